import { createServer } from 'node:net';
import { EventStoreError } from '../event-store.errors';
import type { EventStore } from '../event-store.port';
import { KurrentDbEventStore } from './kurrentdb-event-store';

/** A local port nobody listens on: connections are refused at once. */
const closedPort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

const codeOf = async (promise: Promise<unknown>): Promise<string | undefined> => {
  const error = await promise.then(
    () => undefined,
    (rejection: unknown) => rejection,
  );
  return error instanceof EventStoreError ? error.code : `not an EventStoreError: ${String(error)}`;
};

/**
 * The adapter's failure paths, without a server: a refused connection must surface as the port's
 * UNAVAILABLE (so /health and retries can act on it), never as a client-specific error.
 */
describe(KurrentDbEventStore.name, () => {
  let sut: EventStore;
  let url: string;

  beforeAll(async () => {
    url = `kurrentdb://127.0.0.1:${await closedPort()}?tls=false`;
  });

  beforeEach(() => {
    sut = KurrentDbEventStore.fromConnectionString(url, {
      pingTimeoutMs: 5_000,
      subscriptionRetry: { maxAttempts: 2, initialDelayMs: 10, maxDelayMs: 10 },
    });
  });

  afterEach(() => sut.close());

  it('reports UNAVAILABLE from every operation when the server cannot be reached', async () => {
    const event = { type: 'CustomerRegistered', data: { secret: 'CANARY-13800138000' } };
    expect(await codeOf(sut.ping())).toBe('EVENT_STORE.UNAVAILABLE');
    expect(await codeOf(sut.append('Customer-1', [event]))).toBe('EVENT_STORE.UNAVAILABLE');
    expect(await codeOf(sut.readStream('Customer-1'))).toBe('EVENT_STORE.UNAVAILABLE');
    expect(await codeOf(sut.readAll({ maxCount: 10 }))).toBe('EVENT_STORE.UNAVAILABLE');
    expect(await codeOf(sut.headPosition())).toBe('EVENT_STORE.UNAVAILABLE');
  });

  it('keeps event data out of the error', async () => {
    const error = await sut
      .append('Customer-1', [{ type: 'A', data: { phone: 'CANARY-13800138000' } }])
      .catch((rejection: unknown) => rejection as Error);
    expect(error).toBeInstanceOf(EventStoreError);
    expect(
      JSON.stringify({ message: (error as Error).message, stack: (error as Error).stack }),
    ).not.toContain('CANARY');
  });

  it('ends a subscription with UNAVAILABLE after its retries run out', async () => {
    const subscription = sut.subscribeToAll();
    const failure = (async () => {
      for await (const _event of subscription) {
        // nothing can arrive
      }
    })().then(
      () => undefined,
      (error: unknown) => error,
    );
    const error = await failure;
    expect(error).toBeInstanceOf(EventStoreError);
    expect((error as EventStoreError).code).toBe('EVENT_STORE.UNAVAILABLE');
    await subscription.close();
  });

  it('ends a subscription quietly when closed while it retries', async () => {
    const patient = KurrentDbEventStore.fromConnectionString(url, {
      subscriptionRetry: { maxAttempts: 1_000, initialDelayMs: 50, maxDelayMs: 50 },
    });
    const subscription = patient.subscribeToAll();
    const done = (async () => {
      for await (const _event of subscription) {
        // nothing can arrive
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await subscription.close();
    await expect(done).resolves.toBeUndefined();
    await patient.close();
  });

  it('refuses work once closed, and closes twice without complaint', async () => {
    await sut.close();
    await expect(sut.close()).resolves.toBeUndefined();
    expect(await codeOf(sut.ping())).toBe('EVENT_STORE.UNAVAILABLE');
    expect(await codeOf(sut.readAll())).toBe('EVENT_STORE.UNAVAILABLE');
    expect(() => sut.subscribeToAll()).toThrow(EventStoreError);
  });

  it('validates arguments before any round trip', async () => {
    expect(await codeOf(sut.append('Customer-1', []))).toBe('EVENT_STORE.INVALID_ARGUMENT');
    expect(await codeOf(sut.append('$system', [{ type: 'A', data: {} }]))).toBe(
      'EVENT_STORE.INVALID_ARGUMENT',
    );
    expect(await codeOf(sut.readAll({ from: '00000000000000000001' as never }))).toBe(
      'EVENT_STORE.INVALID_ARGUMENT',
    );
    expect(await codeOf(sut.readStream('Customer-1', { maxCount: 0 }))).toBe(
      'EVENT_STORE.INVALID_ARGUMENT',
    );
    expect(() => sut.subscribeToAll({ from: 'nope' as never })).toThrow(EventStoreError);
  });

  it('accepts esdb:// and rejects a malformed connection string without echoing it', () => {
    expect(() =>
      KurrentDbEventStore.fromConnectionString('esdb://127.0.0.1:2113?tls=false'),
    ).not.toThrow();
    let error: unknown;
    try {
      KurrentDbEventStore.fromConnectionString('http://admin:s3cret-CANARY@host');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EventStoreError);
    expect((error as EventStoreError).code).toBe('EVENT_STORE.INVALID_ARGUMENT');
    expect((error as Error).message).not.toContain('CANARY');
  });
});
