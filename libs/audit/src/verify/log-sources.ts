import { createReadStream } from 'node:fs';
import type { EventStore } from '@custodia/event-store';
import { AuditError } from '../merkle/audit.errors';
import { TREE_HEAD_SIGNED, TREE_HEADS_STREAM } from '../tree-heads/tree-head.events';
import type { LogEntry } from './log-verifier';

/**
 * Events per page when reading a store. Large enough that the per-query cost vanishes, small
 * enough that two pages in memory (the one verified, the one read ahead) stay a few MB.
 */
const PAGE = 5000;

/** First line of an exported log file. */
export type LogExportHeader = {
  readonly format: 'custodia.log-export';
  readonly version: 1;
  readonly exportedAt: string;
};

const HEADER: Pick<LogExportHeader, 'format' | 'version'> = {
  format: 'custodia.log-export',
  version: 1,
};

/** An entry as one export line: exactly the `LogEntry` fields, in this order. */
const exportLine = (entry: LogEntry): string =>
  `${JSON.stringify({
    position: entry.position,
    streamId: entry.streamId,
    revision: entry.revision,
    id: entry.id,
    type: entry.type,
    data: entry.data,
    metadata: entry.metadata,
    hash: entry.hash, // left out when absent, as JSON.stringify leaves out undefined
  })}\n`;

/**
 * Every event of a store in global order, as stored, as of one consistent moment (`scanAll`:
 * an append that commits meanwhile can neither be half-seen nor leave a stream with a gap).
 * Pass the store *under* the encrypting one: the chain covers envelopes, and the verifier must
 * not need (or use) keys. The PostgreSQL scan requests the next page while the consumer works
 * through the current one, so the database and the verifier (one core each) overlap.
 */
export async function* storeLogEntries(
  store: Pick<EventStore, 'scanAll'>,
  filter?: { readonly eventTypes?: readonly string[]; readonly streamPrefixes?: string[] },
): AsyncGenerator<LogEntry> {
  // A recorded event is a log entry as it is (its `recordedAt` is not hashed, never read here,
  // and not exported): no copy per event.
  yield* store.scanAll({ pageSize: PAGE, ...(filter === undefined ? {} : { filter }) });
}

/** The signed tree heads of a store (a filtered read: they are few). */
export const storeTreeHeads = (store: Pick<EventStore, 'scanAll'>): AsyncGenerator<LogEntry> =>
  storeLogEntries(store, { eventTypes: [TREE_HEAD_SIGNED], streamPrefixes: [TREE_HEADS_STREAM] });

/** The header line, then one JSON line per stored event: what `export-log` writes. */
export async function* exportLogLines(
  entries: AsyncIterable<LogEntry>,
  exportedAt: Date,
): AsyncGenerator<string> {
  const header: LogExportHeader = { ...HEADER, exportedAt: exportedAt.toISOString() };
  yield `${JSON.stringify(header)}\n`;
  for await (const entry of entries) yield exportLine(entry);
}

const badLine = (line: number, rule: string): AuditError =>
  new AuditError('AUDIT.INVALID_ARGUMENT', `log file line ${line}: ${rule}`);

const isEntry = (value: unknown): value is LogEntry => {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  return (
    typeof entry.position === 'string' &&
    typeof entry.streamId === 'string' &&
    typeof entry.revision === 'number' &&
    typeof entry.id === 'string' &&
    typeof entry.type === 'string' &&
    typeof entry.data === 'object' &&
    typeof entry.metadata === 'object' &&
    (entry.hash === undefined || typeof entry.hash === 'string')
  );
};

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/**
 * The lines of a file as bytes (without `\n` or `\r\n`), a chunk's worth at a time: lines are
 * found with a native byte search and decoded one by one only when needed, never as one large
 * string.
 */
async function* fileLines(path: string): AsyncGenerator<Buffer[]> {
  const input = createReadStream(path, { highWaterMark: 1 << 20 });
  let rest: Buffer | undefined;
  const line = (data: Buffer, start: number, end: number): Buffer =>
    data.subarray(start, end > start && data[end - 1] === CARRIAGE_RETURN ? end - 1 : end);
  for await (const chunk of input as AsyncIterable<Buffer>) {
    const data = rest === undefined ? chunk : Buffer.concat([rest, chunk]);
    const lines: Buffer[] = [];
    let start = 0;
    for (let end = data.indexOf(NEWLINE); end !== -1; end = data.indexOf(NEWLINE, start)) {
      lines.push(line(data, start, end));
      start = end + 1;
    }
    rest = start < data.length ? data.subarray(start) : undefined;
    if (lines.length > 0) yield lines;
  }
  if (rest !== undefined) yield [line(rest, 0, rest.length)];
}

/** How a tree head's line always reads: the verifier's first pass decodes no other line. */
const TREE_HEAD_MARKER = Buffer.from(`"${TREE_HEAD_SIGNED}"`);

/**
 * The entries of an exported log file, in file order. `onlyTreeHeads` skips every line that
 * cannot be a tree head before decoding it, for the verifier's first (cheap) pass.
 */
export async function* fileLogEntries(
  path: string,
  { onlyTreeHeads = false }: { onlyTreeHeads?: boolean } = {},
): AsyncGenerator<LogEntry> {
  let number = 0;
  for await (const lines of fileLines(path)) {
    for (const line of lines) {
      number += 1;
      if (number === 1) {
        let header: unknown;
        try {
          header = JSON.parse(line.toString('utf8'));
        } catch {
          throw badLine(1, 'not a Custodia log export (no header)');
        }
        const { format, version } = (header ?? {}) as Record<string, unknown>;
        if (format !== HEADER.format || version !== HEADER.version)
          throw badLine(1, 'not a Custodia log export, version 1');
        continue;
      }
      if (line.length === 0) continue;
      if (onlyTreeHeads && line.indexOf(TREE_HEAD_MARKER) === -1) continue;
      let value: unknown;
      try {
        value = JSON.parse(line.toString('utf8'));
      } catch {
        throw badLine(number, 'not JSON');
      }
      if (!isEntry(value)) throw badLine(number, 'not a log entry');
      yield value;
    }
  }
  if (number === 0) throw badLine(1, 'the file is empty');
}
