import { Counter, type Registry } from 'prom-client';
import type { Erased } from './envelope';
import type { DataKey } from './master-key';

/** A subject's key, or the fact that it was destroyed (which never changes again). */
export type CachedKey = DataKey | Erased;

type CacheMetrics = { readonly hits: Counter; readonly misses: Counter };

// Created once per registry, so several vaults (tests, API plus CLI) can share one.
const byRegistry = new WeakMap<Registry, CacheMetrics>();

const metricsFor = (registry: Registry | undefined): CacheMetrics => {
  const registers = registry === undefined ? [] : [registry];
  const create = (): CacheMetrics => ({
    hits: new Counter({
      name: 'custodia_crypto_key_cache_hits_total',
      help: 'Data key lookups answered from the in-process cache',
      registers,
    }),
    misses: new Counter({
      name: 'custodia_crypto_key_cache_misses_total',
      help: 'Data key lookups that went to the key table',
      registers,
    }),
  });
  if (registry === undefined) return create();
  const known = byRegistry.get(registry) ?? create();
  byRegistry.set(registry, known);
  return known;
};

/**
 * A bounded LRU of unwrapped data keys (a Map keeps insertion order: a hit moves the entry to
 * the end, the oldest is dropped first). Counts hits and misses as Prometheus counters.
 */
export class KeyCache {
  private readonly entries = new Map<string, CachedKey>();
  private readonly metrics: CacheMetrics;

  constructor(
    private readonly capacity: number,
    registry?: Registry,
  ) {
    this.metrics = metricsFor(registry);
  }

  get(subjectId: string): CachedKey | undefined {
    const entry = this.entries.get(subjectId);
    if (entry === undefined) {
      this.metrics.misses.inc();
      return undefined;
    }
    this.metrics.hits.inc();
    this.entries.delete(subjectId);
    this.entries.set(subjectId, entry);
    return entry;
  }

  set(subjectId: string, entry: CachedKey): void {
    this.entries.delete(subjectId);
    this.entries.set(subjectId, entry);
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done === true) break;
      this.entries.delete(oldest.value);
    }
  }

  delete(subjectId: string): void {
    this.entries.delete(subjectId);
  }

  clear(): void {
    this.entries.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
