/**
 * Deterministic randomness for the seed: the same `--seed` gives the same people, events and
 * event ids, so a re-run after a crash appends the same batches again (idempotent by event id)
 * instead of new ones. Not for anything secret.
 */

/** 32-bit mix of a few integers (murmur3 finaliser over a running hash). */
export const hash32 = (...parts: readonly number[]): number => {
  let h = 0x9e3779b9;
  for (const part of parts) {
    h = Math.imul(h ^ (part >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
    // Numbers above 2^32 (large indexes) contribute their high part too.
    const high = Math.floor(part / 0x1_0000_0000);
    if (high !== 0) h = Math.imul(h ^ high, 0x27d4eb2f);
  }
  return h >>> 0;
};

/** sfc32 (PractRand-tested, 128-bit state), seeded from a few integers. */
export class SeededRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(...key: readonly number[]) {
    this.a = hash32(...key, 1);
    this.b = hash32(...key, 2);
    this.c = hash32(...key, 3);
    this.d = hash32(...key, 4);
    for (let i = 0; i < 12; i++) this.next32();
  }

  /** Uniform 32-bit unsigned integer. */
  next32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  float(): number {
    return this.next32() / 0x1_0000_0000;
  }

  /** Uniform integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.float() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.float() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[Math.floor(this.float() * items.length)];
  }

  /** `count` distinct items in random order (count ≤ items.length). */
  sample<T>(items: readonly T[], count: number): T[] {
    const pool = [...items];
    const picked: T[] = [];
    for (let i = 0; i < count && pool.length > 0; i++) {
      picked.push(pool.splice(Math.floor(this.float() * pool.length), 1)[0]);
    }
    return picked;
  }
}

/** Picks by weight: built once per table, then one draw per pick. */
export class WeightedTable<T> {
  private readonly cumulative: number[] = [];
  private readonly total: number;

  constructor(private readonly entries: readonly (readonly [T, number])[]) {
    let sum = 0;
    for (const [, weight] of entries) {
      sum += weight;
      this.cumulative.push(sum);
    }
    this.total = sum;
  }

  pick(random: SeededRandom): T {
    const target = random.float() * this.total;
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.cumulative[mid] > target) high = mid;
      else low = mid + 1;
    }
    return this.entries[low][0];
  }
}

/** What an id is for: kept in the id so ids of different kinds can never coincide. */
export const idKinds = { event: 0, accessEvent: 1, user: 2, subject: 3 } as const;
export type IdKind = keyof typeof idKinds;

// Ids look like UUIDv7 (RFC 9562): the "time" is a fixed epoch plus the owner's index, so ids
// of one run sort by customer like the product's time-ordered ids and keep B-tree inserts local.
const ID_EPOCH_MS = Date.UTC(2025, 0, 1);
const MAX_SERIAL = 2 ** 30;

const hex = (value: number, digits: number): string => value.toString(16).padStart(digits, '0');

/**
 * A deterministic UUID, unique by construction for each (seed, kind, owner index, serial):
 * 48 bits of epoch + owner, version 7, 12 bits and 30 bits of the seed's hash, the kind, the
 * serial (< 2^30), variant 10.
 */
export const seededUuid = (seed: number, kind: IdKind, owner: number, serial: number): string => {
  if (!Number.isSafeInteger(owner) || owner < 0 || owner >= 2 ** 40) {
    throw new RangeError('owner index out of range');
  }
  if (!Number.isInteger(serial) || serial < 0 || serial >= MAX_SERIAL) {
    throw new RangeError('serial out of range');
  }
  const msHex = hex(ID_EPOCH_MS + owner, 12);
  return `${msHex.slice(0, 8)}-${msHex.slice(8)}-${seedPart(seed, kind)}${hex(serial, 8)}`;
};

// The part that depends on the seed and kind only: computed once per pair.
const seedParts = new Map<string, string>();
const seedPart = (seed: number, kind: IdKind): string => {
  const key = `${seed}:${kind}`;
  let part = seedParts.get(key);
  if (part === undefined) {
    const seedHash = hash32(seed, 0x5eed);
    const randA = seedHash & 0xfff;
    const seedBits = (seedHash >>> 12) & 0xfffff; // 20 bits
    // rand_b (62 bits): 20 bits of seed hash, 2 bits kind, 8 zero bits, then the 32-bit serial.
    const high = ((0b10 << 30) | (seedBits << 10) | (idKinds[kind] << 8)) >>> 0;
    const highHex = hex(high, 8);
    part = `7${hex(randA, 3)}-${highHex.slice(0, 4)}-${highHex.slice(4)}`;
    seedParts.set(key, part);
  }
  return part;
};
