import { randomUUID } from 'node:crypto';
import { Registry } from 'prom-client';
import { ERASED } from './envelope';
import { KeyCache } from './key-cache';
import { generateDataKey } from './master-key';

const counter = async (registry: Registry, name: string): Promise<number> =>
  (await registry.getSingleMetric(name)?.get())?.values[0]?.value ?? NaN;

describe(KeyCache.name, () => {
  it('keeps at most its capacity, dropping the least recently used', () => {
    const sut = new KeyCache(2);
    sut.set('a', generateDataKey('a', randomUUID()));
    sut.set('b', ERASED);
    sut.get('a'); // a is now the most recent
    sut.set('c', generateDataKey('c', randomUUID()));
    expect(sut.size).toBe(2);
    expect(sut.get('b')).toBeUndefined();
    expect(sut.get('a')).toBeDefined();
    expect(sut.get('c')).toBeDefined();
  });

  it('counts hits and misses on the given registry, shared by caches on it', async () => {
    const registry = new Registry();
    const sut = new KeyCache(10, registry);
    const other = new KeyCache(10, registry);
    sut.set('a', ERASED);
    sut.get('a');
    sut.get('b');
    other.get('c');
    expect(await counter(registry, 'custodia_crypto_key_cache_hits_total')).toBe(1);
    expect(await counter(registry, 'custodia_crypto_key_cache_misses_total')).toBe(2);
  });
});
