import { type Clock, GroupCommit, type ItemOutcome, newId, systemClock } from '@custodia/platform';
import { Pool } from 'pg';
import type { Registry } from 'prom-client';
import { CryptoShreddingError } from './crypto-shredding.errors';
import { ERASED, type Erased, isErased } from './envelope';
import { ErasureListener } from './erasure-listener';
import { KeyCache } from './key-cache';
import {
  type KeyAbsenceEvidence,
  keyAbsenceEvidence,
  type KeyDestruction,
  type KeyVault,
} from './key-vault';
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
  /**
   * Commit new keys without waiting for their WAL flush. Only when every event sealed under a
   * key is appended, durably, to the SAME PostgreSQL server: flushing that append's commit
   * flushes the key's earlier commit too, so no durable event can outlive its key. Never with
   * another log (KurrentDB): there a crash could keep the event and lose its key.
   */
  readonly keysFlushedByLogAppend?: boolean;
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
  private readonly deferredFlush: boolean;
  /** First uses of keys, batched: concurrent requests share one statement. */
  private readonly creations: GroupCommit<string, DataKey>;
  /** Subjects whose key is being created (queued or in flight): a second miss joins the first. */
  private readonly creating = new Map<string, Promise<DataKey>>();
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
    this.deferredFlush = options.keysFlushedByLogAppend === true;
    this.creations = new GroupCommit((subjectIds) => this.createKeys(subjectIds));
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
    this.assertOpen();
    const keys = new Map<string, DataKey>();
    const missing: string[] = [];
    const trustCache = this.listener.listening;
    for (const subjectId of new Set(subjectIds)) {
      const hit = trustCache ? this.cache.get(subjectId) : undefined;
      if (hit === undefined) missing.push(subjectId);
      else if (isErased(hit)) throw erased();
      else keys.set(subjectId, hit);
    }
    // A miss goes straight to get-or-create: one statement whether the key exists or not,
    // shared with whatever other first uses are waiting at the time.
    const created = await Promise.all(missing.map((subjectId) => this.createKey(subjectId)));
    missing.forEach((subjectId, index) => keys.set(subjectId, created[index]));
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

  /** Asks the tables themselves (never the cache): no key row, and the erasure record. */
  async keyAbsenceEvidence(subjectId: string): Promise<KeyAbsenceEvidence> {
    this.assertOpen();
    const { rows } = await this.pool.query<sql.KeyAbsenceRow>(sql.KEY_ABSENCE, [subjectId]);
    return keyAbsenceEvidence({
      subjectId,
      keyId: rows[0].key_id,
      checkedAt: this.clock.now(),
      dataKeyRows: rows[0].data_key_rows,
      erasureRecordedAt: rows[0].erased_at ?? undefined,
    });
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.listener.close();
      this.cache.clear();
      if (this.ownsPool) await this.pool.end();
    })();
    return this.closing;
  }

  private createKey(subjectId: string): Promise<DataKey> {
    const pending = this.creating.get(subjectId);
    if (pending) return pending;
    const created = this.creations.submit(subjectId).finally(() => {
      this.creating.delete(subjectId);
    });
    this.creating.set(subjectId, created);
    return created;
  }

  /**
   * Race-safe get-or-create of a batch in one statement (`crypto_create_data_keys`): per-subject
   * locks, the erasure check, the insert and the load. An erased subject fails alone with
   * `CRYPTO.SUBJECT_ERASED`; a rotated-away master key fails the whole batch.
   */
  private async createKeys(subjectIds: readonly string[]): Promise<ItemOutcome<DataKey>[]> {
    this.assertOpen();
    const fresh = new Map(subjectIds.map((id) => [id, generateDataKey(id, newId())]));
    const wrapped = [...fresh.values()].map((key) => wrapDataKey(this.master, key));
    const epoch = this.epoch;
    const { rows } = await this.pool
      .query<sql.KeyRow>(sql.CREATE_KEYS, [
        wrapped.map((key) => key.subjectId),
        wrapped.map((key) => key.keyId),
        this.master.id,
        wrapped.map((key) => key.iv),
        wrapped.map((key) => key.wrapped),
        this.deferredFlush,
      ])
      .catch((error: unknown) => {
        // The master key row is gone: rotation moved every key to a new master key.
        if ((error as { code?: unknown }).code === FOREIGN_KEY_VIOLATION)
          throw masterKeyMismatch(this.master, 'it was rotated away');
        throw error;
      });
    const found = new Map<string, DataKey | Erased>();
    for (const row of rows) {
      // Ours won the race: no need to unwrap what we just wrapped.
      const ours = fresh.get(row.subject_id);
      const key = !row.erased && ours?.id === row.key_id ? ours : this.fromRow(row);
      // The erasure record wins should both rows ever exist.
      if (found.get(row.subject_id) !== ERASED) found.set(row.subject_id, key);
    }
    return subjectIds.map((subjectId) => {
      const key = found.get(subjectId);
      if (key === undefined)
        return {
          ok: false,
          error: new CryptoShreddingError(
            'CRYPTO.KEY_NOT_FOUND',
            'a created key did not read back',
          ),
        };
      if (isErased(key)) return { ok: false, error: erased() };
      this.remember(epoch, subjectId, key);
      return { ok: true, value: key };
    });
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
