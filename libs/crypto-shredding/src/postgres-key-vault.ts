import { type Clock, newId, systemClock } from '@custodia/platform';
import { Pool } from 'pg';
import type { Registry } from 'prom-client';
import { CryptoShreddingError } from './crypto-shredding.errors';
import { ERASED, type Erased, isErased } from './envelope';
import { ErasureListener } from './erasure-listener';
import { KeyCache } from './key-cache';
import type { KeyDestruction, KeyVault } from './key-vault';
import * as sql from './key-vault.sql';
import { masterKeyMismatch, registerMasterKey } from './master-key-registration';
import { inTransaction } from './pg-transaction';
import {
  type DataKey,
  generateDataKey,
  type MasterKey,
  masterKeyFrom,
  unwrapDataKey,
  wrapDataKey,
} from './master-key';

export type PostgresKeyVaultOptions = {
  readonly masterKey: Buffer | MasterKey;
  /** Connection string: the vault opens (and on close ends) its own small pool. */
  readonly url?: string;
  /** Or a pool owned by the caller; the vault keeps one of its connections for LISTEN. */
  readonly pool?: Pool;
  /** Prometheus registry for the cache hit/miss counters. */
  readonly registry?: Registry;
  /** Unwrapped keys kept in memory, least recently used dropped first. */
  readonly cacheSize?: number;
  readonly clock?: Clock;
  /** Pause before reconnecting a lost LISTEN connection. */
  readonly reconnectMs?: number;
};

const FOREIGN_KEY_VIOLATION = '23503';

/**
 * Data keys in PostgreSQL (`crypto_data_keys`, wrapped under the master key), with an LRU cache
 * of unwrapped keys that every process evicts on an erasure NOTIFY, and a check of the erasure
 * record on every cache miss.
 */
export class PostgresKeyVault implements KeyVault {
  private readonly pool: Pool;
  private readonly ownsPool: boolean;
  private readonly master: MasterKey;
  private readonly cache: KeyCache;
  private readonly clock: Clock;
  private readonly listener: ErasureListener;
  /** Moves on every erasure or lost LISTEN: a load that saw it move does not fill the cache. */
  private epoch = 0;
  private closing: Promise<void> | undefined;

  /**
   * Registers the master key on an empty vault, or checks it is the registered one (a wrong key
   * stops start-up with `CRYPTO.MASTER_KEY_MISMATCH`), then starts listening for erasures.
   */
  static async open(options: PostgresKeyVaultOptions): Promise<PostgresKeyVault> {
    const vault = new PostgresKeyVault(options);
    try {
      await registerMasterKey(vault.pool, vault.master);
      await vault.listener.start();
      return vault;
    } catch (error) {
      await vault.close();
      throw error;
    }
  }

  private constructor(options: PostgresKeyVaultOptions) {
    if (!options.pool && !options.url)
      throw new CryptoShreddingError(
        'CRYPTO.INVALID_DECLARATION',
        'give the vault a pool or a url',
      );
    this.ownsPool = !options.pool;
    this.pool =
      options.pool ??
      new Pool({ connectionString: options.url, max: 4, application_name: 'custodia-key-vault' });
    if (this.ownsPool) this.pool.on('error', () => undefined); // an idle drop is not fatal
    this.master = Buffer.isBuffer(options.masterKey)
      ? masterKeyFrom(options.masterKey)
      : options.masterKey;
    this.cache = new KeyCache(options.cacheSize ?? 10_000, options.registry);
    this.clock = options.clock ?? systemClock;
    this.listener = new ErasureListener(
      this.pool,
      {
        erased: (subjectId) => this.evict(subjectId),
        lost: () => {
          this.epoch++;
          this.cache.clear();
        },
      },
      options.reconnectMs ?? 1_000,
    );
  }

  /** Id of the master key this vault wraps and unwraps with. */
  get masterKeyId(): string {
    return this.master.id;
  }

  async keysForDecryption(
    subjectIds: readonly string[],
  ): Promise<ReadonlyMap<string, DataKey | Erased>> {
    this.assertOpen();
    const found = new Map<string, DataKey | Erased>();
    const missing: string[] = [];
    // Without a live LISTEN an erasure may go unheard: ask the table every time.
    const trustCache = this.listener.listening;
    for (const subjectId of new Set(subjectIds)) {
      const hit = trustCache ? this.cache.get(subjectId) : undefined;
      if (hit === undefined) missing.push(subjectId);
      else found.set(subjectId, hit);
    }
    if (missing.length > 0) {
      const epoch = this.epoch;
      const rows = (await this.pool.query<sql.KeyRow>(sql.LOAD_KEYS, [missing])).rows;
      for (const [subjectId, key] of this.fromRows(rows)) {
        found.set(subjectId, key);
        this.remember(epoch, subjectId, key);
      }
    }
    return found;
  }

  async keysForEncryption(subjectIds: readonly string[]): Promise<ReadonlyMap<string, DataKey>> {
    const found = await this.keysForDecryption(subjectIds);
    const keys = new Map<string, DataKey>();
    const missing: string[] = [];
    for (const subjectId of new Set(subjectIds)) {
      const key = found.get(subjectId);
      if (key === undefined) missing.push(subjectId);
      else if (isErased(key)) throw erased();
      else keys.set(subjectId, key);
    }
    if (missing.length > 0) {
      for (const [subjectId, key] of await this.createKeys(missing)) keys.set(subjectId, key);
    }
    return keys;
  }

  async destroyKey(subjectId: string): Promise<KeyDestruction> {
    this.assertOpen();
    const result = await inTransaction(this.pool, async (client) => {
      await client.query(sql.LOCK_SUBJECTS, [[subjectId]]);
      const recorded = await client.query<{ erased_at: Date }>(sql.RECORD_ERASURE, [
        subjectId,
        this.clock.now(),
      ]);
      const first = recorded.rows[0];
      const erasedAt =
        first?.erased_at ??
        (await client.query<{ erased_at: Date }>(sql.ERASURE_OF, [subjectId])).rows[0].erased_at;
      const deleted = await client.query<{ key_id: string }>(sql.DELETE_KEY, [subjectId]);
      // Always notify, even on a repeat: a process that missed the first one catches up.
      await client.query(sql.NOTIFY_ERASURE, [subjectId]);
      return {
        subjectId,
        keyId: deleted.rows[0]?.key_id,
        erasedAt,
        alreadyErased: first === undefined,
      };
    });
    this.evict(subjectId); // at once here; other processes on the NOTIFY
    return result;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.listener.close();
      this.cache.clear();
      if (this.ownsPool) await this.pool.end();
    })();
    return this.closing;
  }

  /** Race-safe first use: per-subject locks, erasure check and insert in one transaction. */
  private async createKeys(subjectIds: readonly string[]): Promise<Map<string, DataKey>> {
    const fresh = new Map(subjectIds.map((id) => [id, generateDataKey(id, newId())]));
    const wrapped = [...fresh.values()].map((key) => wrapDataKey(this.master, key));
    const epoch = this.epoch;
    const rows = await inTransaction(this.pool, async (client) => {
      await client.query(sql.LOCK_SUBJECTS, [subjectIds]);
      const gone = await client.query(sql.ERASED_AMONG, [subjectIds]);
      if (gone.rows.length > 0) throw erased();
      await client
        .query(sql.INSERT_KEYS, [
          wrapped.map((key) => key.subjectId),
          wrapped.map((key) => key.keyId),
          this.master.id,
          wrapped.map((key) => key.iv),
          wrapped.map((key) => key.wrapped),
        ])
        .catch((error: unknown) => {
          // The master key row is gone: rotation moved every key to a new master key.
          if ((error as { code?: unknown }).code === FOREIGN_KEY_VIOLATION)
            throw masterKeyMismatch(this.master, 'it was rotated away');
          throw error;
        });
      return (await client.query<sql.KeyRow>(sql.LOAD_KEYS, [subjectIds])).rows;
    });
    const keys = new Map<string, DataKey>();
    for (const row of rows) {
      // Ours won the race: no need to unwrap what we just wrapped.
      const ours = fresh.get(row.subject_id);
      const key = ours?.id === row.key_id ? ours : this.fromRow(row);
      if (isErased(key)) throw erased();
      keys.set(row.subject_id, key);
      this.remember(epoch, row.subject_id, key);
    }
    return keys;
  }

  private fromRows(rows: readonly sql.KeyRow[]): Map<string, DataKey | Erased> {
    const keys = new Map<string, DataKey | Erased>();
    // The erasure record wins should both rows ever exist.
    for (const row of rows) {
      if (keys.get(row.subject_id) !== ERASED) keys.set(row.subject_id, this.fromRow(row));
    }
    return keys;
  }

  private fromRow(row: sql.KeyRow): DataKey | Erased {
    if (row.erased) return ERASED;
    if (row.kek_id !== this.master.id)
      throw masterKeyMismatch(this.master, `a key is wrapped by ${row.kek_id}`);
    return unwrapDataKey(this.master, {
      subjectId: row.subject_id,
      keyId: row.key_id ?? '',
      iv: row.wrap_iv ?? Buffer.alloc(0),
      wrapped: row.wrapped_key ?? Buffer.alloc(0),
    });
  }

  private remember(epoch: number, subjectId: string, key: DataKey | Erased): void {
    if (epoch === this.epoch && this.listener.listening) this.cache.set(subjectId, key);
  }

  private evict(subjectId: string): void {
    this.epoch++;
    this.cache.delete(subjectId);
  }

  private assertOpen(): void {
    if (this.closing)
      throw new CryptoShreddingError('CRYPTO.VAULT_CLOSED', 'the key vault is closed');
  }
}

const erased = (): CryptoShreddingError =>
  new CryptoShreddingError(
    'CRYPTO.SUBJECT_ERASED',
    'the data subject was erased: nothing may be stored for it again',
  );
