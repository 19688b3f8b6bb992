import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RecordedEvent, ScanOptions } from '@custodia/event-store';
import { exportLogLines, fileLogEntries, storeLogEntries, storeTreeHeads } from './log-sources';
import type { LogEntry } from './log-verifier';

const entry = (n: number): LogEntry => ({
  position: String(n).padStart(3, '0'),
  streamId: `S-${n % 2}`,
  revision: Math.floor(n / 2),
  id: `id-${n}`,
  type: 'T',
  data: { n, text: '张伟' },
  metadata: { now: '2026-11-30T12:00:00.000Z' },
  hash: 'ab'.repeat(32),
});

/** The items as an async iterable, as a store source gives them. */
async function* asyncOf<T>(items: readonly T[]): AsyncGenerator<T> {
  for (const item of items) yield await Promise.resolve(item);
}

const collect = async <T>(items: AsyncIterable<T>): Promise<T[]> => {
  const all: T[] = [];
  for await (const item of items) all.push(item);
  return all;
};

describe('log sources', () => {
  let directory: string;

  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'custodia-log-sources-'));
  });

  afterAll(() => rm(directory, { recursive: true, force: true }));

  it('exports the entry fields only, in a fixed order, without the store fields', async () => {
    const recorded = { ...entry(1), recordedAt: new Date(0) };
    const { hash: _absent, ...unhashed } = entry(2);
    const lines = await collect(exportLogLines(asyncOf([recorded, unhashed]), new Date(0)));
    expect(lines[1]).toBe(
      '{"position":"001","streamId":"S-1","revision":0,"id":"id-1","type":"T",' +
        `"data":{"n":1,"text":"张伟"},"metadata":{"now":"2026-11-30T12:00:00.000Z"},"hash":"${'ab'.repeat(32)}"}\n`,
    );
    expect(lines[2]).not.toContain('"hash"');
  });

  it('reads a file back line by line, with CRLF line ends, without a final newline', async () => {
    const entries = Array.from({ length: 5 }, (_, n) => entry(n));
    const lines = await collect(exportLogLines(asyncOf(entries), new Date(0)));
    const path = join(directory, 'crlf.ndjson');
    await writeFile(
      path,
      lines
        .map((line) => line.replace('\n', '\r\n'))
        .join('')
        .trimEnd(),
    );
    expect(await collect(fileLogEntries(path))).toEqual(entries);
    expect(await collect(fileLogEntries(path, { onlyTreeHeads: true }))).toEqual([]);
  });

  it('names the line that is not JSON', async () => {
    const path = join(directory, 'bad.ndjson');
    const header = '{"format":"custodia.log-export","version":1,"exportedAt":"x"}';
    await writeFile(path, `${header}\n${JSON.stringify(entry(0))}\n\n{"position":\n`);
    await expect(collect(fileLogEntries(path))).rejects.toThrow('log file line 4: not JSON');
  });

  it('reads the store through one consistent scan, filtered, and stops when the consumer stops', async () => {
    const log = Array.from({ length: 12 }, (_, n) => entry(n) as unknown as RecordedEvent);
    const scans: ScanOptions[] = [];
    let pulled = 0;
    const store = {
      async *scanAll(options: ScanOptions = {}): AsyncGenerator<RecordedEvent> {
        scans.push(options);
        for (const event of log) {
          pulled += 1;
          yield await Promise.resolve(event);
        }
      },
    };
    const all = await collect(storeLogEntries(store));
    expect(all.map((e) => e.position)).toEqual(log.map((e) => e.position));
    await collect(storeTreeHeads(store));
    expect(scans).toEqual([
      { pageSize: 5000 },
      { pageSize: 5000, filter: { eventTypes: ['TreeHeadSigned'], streamPrefixes: ['TreeHeads'] } },
    ]);

    pulled = 0;
    for await (const _ of storeLogEntries(store)) break;
    expect(pulled).toBe(1);
  });
});
