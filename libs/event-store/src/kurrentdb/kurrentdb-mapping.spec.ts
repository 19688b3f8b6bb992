import {
  ANY,
  DeadlineExceededError,
  NO_STREAM,
  STREAM_EXISTS,
  StreamNotFoundError,
  UnavailableError,
  WrongExpectedVersionError,
  type RecordedEvent as KurrentRecordedEvent,
} from '@kurrent/kurrentdb-client';
import fc from 'fast-check';
import { EventStoreError, WrongExpectedRevision } from '../event-store.errors';
import type { Position } from '../event-store.port';
import {
  HASH_METADATA_KEY,
  comparePositions,
  decodePosition,
  encodePosition,
  isStreamNotFound,
  isSystemEvent,
  isWrongExpectedVersion,
  matchesNothing,
  storedHash,
  toActualRevision,
  toEventStoreError,
  toRecordedEvent,
  toServerFilter,
  toStreamState,
} from './kurrentdb-mapping';

const U64_MAX = (1n << 64n) - 1n;
const u64 = fc.bigInt({ min: 0n, max: U64_MAX });
const position = fc.record({ commit: u64, prepare: u64 });
const tupleOrder = (a: { commit: bigint; prepare: bigint }, b: typeof a): number =>
  a.commit !== b.commit
    ? Math.sign(Number(a.commit - b.commit))
    : Math.sign(Number(a.prepare - b.prepare));

const codeOf = (error: unknown): string | undefined =>
  error instanceof EventStoreError ? error.code : undefined;

const throwsCode = (action: () => unknown): string | undefined => {
  try {
    action();
  } catch (error) {
    return codeOf(error);
  }
  return undefined;
};

describe('KurrentDB positions', () => {
  it('encodes {commit, prepare} as two zero-padded 20-digit numbers', () => {
    expect(encodePosition({ commit: 1234n, prepare: 1200n })).toBe(
      '00000000000000001234:00000000000000001200',
    );
    expect(encodePosition({ commit: U64_MAX, prepare: 0n })).toBe(
      '18446744073709551615:00000000000000000000',
    );
  });

  it('round-trips every u64 pair', () => {
    fc.assert(fc.property(position, (p) => expect(decodePosition(encodePosition(p))).toEqual(p)));
  });

  it('orders by commit, then prepare, and the strings sort the same way', () => {
    fc.assert(
      fc.property(position, position, (a, b) => {
        const [encodedA, encodedB] = [encodePosition(a), encodePosition(b)];
        const expected = tupleOrder(a, b);
        expect(Math.sign(comparePositions(encodedA, encodedB))).toBe(expected);
        expect(Math.sign(encodedA.localeCompare(encodedB, 'en'))).toBe(expected);
      }),
    );
    const low = encodePosition({ commit: 10n, prepare: 99n });
    const high = encodePosition({ commit: 11n, prepare: 0n });
    expect(comparePositions(low, high)).toBeLessThan(0);
    expect(comparePositions(high, low)).toBeGreaterThan(0);
    expect(comparePositions(low, low)).toBe(0);
  });

  it.each([
    ['garbage', 'not-a-position'],
    ['an in-memory position', '00000000000000000001'],
    ['a short form', '12:12'],
    ['a negative part', '-0000000000000000001:00000000000000000001'],
    ['a value past u64', '99999999999999999999:00000000000000000000'],
  ])('rejects %s with INVALID_ARGUMENT', (_name, text) => {
    expect(throwsCode(() => decodePosition(text as Position))).toBe('EVENT_STORE.INVALID_ARGUMENT');
    expect(throwsCode(() => comparePositions(text as Position, text as Position))).toBe(
      'EVENT_STORE.INVALID_ARGUMENT',
    );
  });

  it('refuses to encode positions outside u64', () => {
    expect(throwsCode(() => encodePosition({ commit: -1n, prepare: -1n }))).toBe(
      'EVENT_STORE.INVALID_ARGUMENT',
    );
    expect(throwsCode(() => encodePosition({ commit: U64_MAX + 1n, prepare: 0n }))).toBe(
      'EVENT_STORE.INVALID_ARGUMENT',
    );
  });
});

describe('KurrentDB expected revisions', () => {
  it.each([
    ['any', ANY],
    ['no_stream', NO_STREAM],
    ['exists', STREAM_EXISTS],
    [0, 0n],
    [41, 41n],
  ] as const)('maps %p to the client state %p', (expected, state) => {
    expect(toStreamState(expected)).toBe(state);
  });

  it.each([-1, 1.5, Number.NaN, Number.MAX_SAFE_INTEGER + 1])('rejects %p', (expected) => {
    expect(throwsCode(() => toStreamState(expected))).toBe('EVENT_STORE.INVALID_ARGUMENT');
  });

  it('reports the actual revision as a number, -1 when there is no stream', () => {
    expect(toActualRevision(NO_STREAM)).toBe(-1);
    expect(toActualRevision(0n)).toBe(0);
    expect(toActualRevision(7n)).toBe(7);
  });
});

describe('KurrentDB error mapping', () => {
  const wrongVersion = (
    expected: bigint | 'any' | 'no_stream' | 'stream_exists',
    current: bigint | 'no_stream',
  ) => new WrongExpectedVersionError(undefined, { streamName: 'Customer-1', expected, current });

  it('turns a wrong expected version into WrongExpectedRevision with the actual revision', () => {
    const sut = toEventStoreError(wrongVersion(0n, 3n), {
      operation: 'append',
      streamId: 'Customer-1',
      expected: 0,
    });
    expect(sut).toBeInstanceOf(WrongExpectedRevision);
    expect(sut).toMatchObject({ streamId: 'Customer-1', expected: 0, actual: 3 });
  });

  it('reports -1 when the stream does not exist, and falls back to the error for the rest', () => {
    const sut = toEventStoreError(wrongVersion(STREAM_EXISTS, NO_STREAM), { operation: 'append' });
    expect(sut).toMatchObject({ streamId: 'Customer-1', expected: 'exists', actual: -1 });
  });

  it('reads a wrong version under expected revision "any" as reused event ids', () => {
    const sut = toEventStoreError(wrongVersion(ANY, 1n), {
      operation: 'append',
      streamId: 'Customer-1',
      expected: 'any',
    });
    expect(codeOf(sut)).toBe('EVENT_STORE.DUPLICATE_EVENT_ID');
  });

  it.each([
    ['unavailable', new UnavailableError()],
    ['deadline exceeded', new DeadlineExceededError()],
    [
      'a raw gRPC UNAVAILABLE',
      Object.assign(new Error('14 UNAVAILABLE: No connection'), { code: 14 }),
    ],
    ['failed discovery', new Error('Failed to discover after 10 attempts.')],
  ])('maps %s to UNAVAILABLE, keeping the cause', (_name, error) => {
    const sut = toEventStoreError(error, { operation: 'readAll' });
    expect(codeOf(sut)).toBe('EVENT_STORE.UNAVAILABLE');
    expect((sut as Error).cause).toBe(error);
  });

  it('maps a raw gRPC INVALID_ARGUMENT to INVALID_ARGUMENT', () => {
    const error = Object.assign(new Error('3 INVALID_ARGUMENT'), { code: 3 });
    expect(codeOf(toEventStoreError(error, { operation: 'append' }))).toBe(
      'EVENT_STORE.INVALID_ARGUMENT',
    );
  });

  it("names the operation and the stream, never the server's text", () => {
    const error = Object.assign(new Error('14 UNAVAILABLE: 张伟 13800138000'), { code: 14 });
    const sut = toEventStoreError(error, { operation: 'append', streamId: 'Customer-1' }) as Error;
    expect(sut.message).toBe('KurrentDB append on stream Customer-1 failed: grpc status 14');
  });

  it('passes errors that are not the client’s through untouched', () => {
    const bug = new TypeError('x is undefined');
    const ours = new EventStoreError('EVENT_STORE.INVALID_ARGUMENT', 'bad');
    expect(toEventStoreError(bug, { operation: 'append' })).toBe(bug);
    expect(toEventStoreError(ours, { operation: 'append' })).toBe(ours);
  });

  it('recognises a wrong expected version', () => {
    expect(isWrongExpectedVersion(wrongVersion(0n, 1n))).toBe(true);
    expect(isWrongExpectedVersion(new StreamNotFoundError(undefined, 'Customer-1'))).toBe(false);
    expect(isWrongExpectedVersion(new Error('wrong-expected-version'))).toBe(false);
  });

  it('recognises a missing stream', () => {
    expect(isStreamNotFound(new StreamNotFoundError(undefined, 'Customer-1'))).toBe(true);
    expect(isStreamNotFound(new UnavailableError())).toBe(false);
    expect(isStreamNotFound('stream-not-found')).toBe(false);
  });
});

describe('KurrentDB filters', () => {
  it('sends stream prefixes to the server when there are any', () => {
    expect(toServerFilter({ eventTypes: ['A'], streamPrefixes: ['run1-', 'run2-'] })).toMatchObject(
      { filterOn: 'streamName', prefixes: ['run1-', 'run2-'] },
    );
  });

  it('otherwise matches event types exactly, with regex characters escaped', () => {
    const filter = toServerFilter({ eventTypes: ['Customer.Registered', 'A+B', 'Wanted'] });
    expect(filter).toMatchObject({ filterOn: 'eventType' });
    const regex = new RegExp((filter as { regex: string }).regex);
    for (const type of ['Customer.Registered', 'A+B', 'Wanted'])
      expect(regex.test(type)).toBe(true);
    for (const type of ['CustomerXRegistered', 'AAB', 'Wanted2', 'XWanted', '$Wanted'])
      expect(regex.test(type)).toBe(false);
  });

  it('otherwise only excludes system events', () => {
    const filter = toServerFilter(undefined);
    expect(filter).toMatchObject({ filterOn: 'eventType' });
    const regex = new RegExp((filter as { regex: string }).regex);
    expect(regex.test('CustomerRegistered')).toBe(true);
    expect(regex.test('$metadata')).toBe(false);
  });

  it('knows an empty list matches nothing and an absent one everything', () => {
    expect(matchesNothing({ eventTypes: [] })).toBe(true);
    expect(matchesNothing({ streamPrefixes: [] })).toBe(true);
    expect(matchesNothing({ eventTypes: ['A'] })).toBe(false);
    expect(matchesNothing(undefined)).toBe(false);
  });

  it('treats $ types and $ streams as system events', () => {
    expect(isSystemEvent({ streamId: 'Customer-1', type: '$metadata' })).toBe(true);
    expect(isSystemEvent({ streamId: '$stats-127.0.0.1:2113', type: 'statsCollected' })).toBe(true);
    expect(isSystemEvent({ streamId: 'Customer-1', type: 'CustomerRegistered' })).toBe(false);
  });
});

describe('KurrentDB recorded events', () => {
  const created = new Date('2025-01-02T03:04:05.000Z');
  const record = (overrides: Record<string, unknown> = {}) =>
    ({
      streamId: 'Customer-1',
      id: '0190f3a2-0000-7000-8000-000000000001',
      isJson: true,
      revision: 4n,
      type: 'CustomerRegistered',
      created,
      data: { name: { $enc: 1 } },
      metadata: { actorId: 'user-1' },
      position: { commit: 100n, prepare: 90n },
      ...overrides,
    }) as unknown as KurrentRecordedEvent;

  it('maps revision, position, data and metadata', () => {
    expect(toRecordedEvent(record())).toEqual({
      id: '0190f3a2-0000-7000-8000-000000000001',
      streamId: 'Customer-1',
      type: 'CustomerRegistered',
      revision: 4,
      position: '00000000000000000100:00000000000000000090',
      data: { name: { $enc: 1 } },
      metadata: { actorId: 'user-1' },
      recordedAt: created,
    });
  });

  it('moves the chain hash out of the metadata, leaving what the caller wrote', () => {
    const hash = 'ab'.repeat(32);
    const sut = toRecordedEvent(
      record({ metadata: { actorId: 'user-1', [HASH_METADATA_KEY]: hash } }),
    );
    expect(sut?.hash).toBe(hash);
    expect(sut?.metadata).toEqual({ actorId: 'user-1' });
    expect(storedHash(record({ metadata: { [HASH_METADATA_KEY]: hash } }))).toBe(hash);
  });

  it.each([
    ['no hash', {}],
    ['a hash that is not 64 lowercase hex digits', { [HASH_METADATA_KEY]: 'AB'.repeat(32) }],
    ['a hash that is not a string', { [HASH_METADATA_KEY]: 7 }],
  ])('reads an event with %s as unhashed, never passing the key on', (_name, metadata) => {
    const sut = toRecordedEvent(record({ metadata }));
    expect(sut).not.toHaveProperty('hash');
    expect(sut?.metadata).toEqual({});
  });

  it('defaults missing metadata to {}', () => {
    expect(toRecordedEvent(record({ metadata: undefined }))?.metadata).toEqual({});
  });

  it.each([
    ['nothing', undefined],
    ['a system event', record({ type: '$metadata' })],
    ['a binary event', record({ isJson: false, data: new Uint8Array([1]) })],
    ['JSON that is not an object', record({ data: ['a'] })],
  ])('skips %s', (_name, input) => {
    expect(toRecordedEvent(input)).toBeUndefined();
  });

  it('fails loudly when the server gives no position (EventStoreDB before 22.6)', () => {
    expect(throwsCode(() => toRecordedEvent(record({ position: undefined })))).toBe(
      'EVENT_STORE.UNAVAILABLE',
    );
  });
});
