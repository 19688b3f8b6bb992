import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import type { EventStore, Position, RecordedEvent } from '@custodia/event-store';
import { AuditError } from '../merkle/audit.errors';
import { TREE_HEAD_SIGNED, TREE_HEADS_STREAM } from '../tree-heads/tree-head.events';
import type { LogEntry } from './log-verifier';

/** Events per page when reading a store. */
const PAGE = 2000;

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

const toEntry = (event: RecordedEvent): LogEntry => ({
  position: event.position,
  streamId: event.streamId,
  revision: event.revision,
  id: event.id,
  type: event.type,
  data: event.data,
  metadata: event.metadata,
  ...(event.hash === undefined ? {} : { hash: event.hash }),
});

/**
 * Every committed event of a store in global order, as stored. Pass the store *under* the
 * encrypting one: the chain covers envelopes, and the verifier must not need (or use) keys.
 * `committed`: a transaction open somewhere must not hide events from a verification.
 */
export async function* storeLogEntries(
  store: Pick<EventStore, 'readAll'>,
  filter?: { readonly eventTypes?: readonly string[]; readonly streamPrefixes?: string[] },
): AsyncGenerator<LogEntry> {
  let from: Position | undefined;
  for (;;) {
    const page = await store.readAll({
      ...(from === undefined ? {} : { from }),
      maxCount: PAGE,
      committed: true,
      ...(filter === undefined ? {} : { filter }),
    });
    for (const event of page) yield toEntry(event);
    if (page.length < PAGE) return;
    from = page[page.length - 1].position;
  }
}

/** The signed tree heads of a store (a filtered read: they are few). */
export const storeTreeHeads = (store: Pick<EventStore, 'readAll'>): AsyncGenerator<LogEntry> =>
  storeLogEntries(store, { eventTypes: [TREE_HEAD_SIGNED], streamPrefixes: [TREE_HEADS_STREAM] });

/** The header line, then one JSON line per stored event: what `export-log` writes. */
export async function* exportLogLines(
  entries: AsyncIterable<LogEntry>,
  exportedAt: Date,
): AsyncGenerator<string> {
  const header: LogExportHeader = { ...HEADER, exportedAt: exportedAt.toISOString() };
  yield `${JSON.stringify(header)}\n`;
  for await (const entry of entries) yield `${JSON.stringify(entry)}\n`;
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

/**
 * The entries of an exported log file, in file order. `onlyTreeHeads` skips every line that
 * cannot be a tree head before parsing it, for the verifier's first (cheap) pass.
 */
export async function* fileLogEntries(
  path: string,
  { onlyTreeHeads = false }: { onlyTreeHeads?: boolean } = {},
): AsyncGenerator<LogEntry> {
  const lines = createInterface({ input: createReadStream(path), crlfDelay: Infinity });
  let number = 0;
  for await (const line of lines) {
    number += 1;
    if (number === 1) {
      let header: unknown;
      try {
        header = JSON.parse(line);
      } catch {
        throw badLine(1, 'not a Custodia log export (no header)');
      }
      const { format, version } = (header ?? {}) as Record<string, unknown>;
      if (format !== HEADER.format || version !== HEADER.version)
        throw badLine(1, 'not a Custodia log export, version 1');
      continue;
    }
    if (line.length === 0) continue;
    if (onlyTreeHeads && !line.includes(`"${TREE_HEAD_SIGNED}"`)) continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw badLine(number, 'not JSON');
    }
    if (!isEntry(value)) throw badLine(number, 'not a log entry');
    yield value;
  }
  if (number === 0) throw badLine(1, 'the file is empty');
}
