import type { EventStore, RecordedEvent } from '@custodia/event-store';
import { AuditError } from '../merkle/audit.errors';
import { isTreeHead } from './tree-head';
import { TREE_HEAD_SIGNED, TREE_HEADS_STREAM, type TreeHeadSignedData } from './tree-head.events';

const HEX_HASH = /^[0-9a-f]{64}$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/** The tree's leaf input for an event: its 32-byte chain hash (`RecordedEvent.hash`). */
export const eventLeaf = (event: RecordedEvent): Buffer => {
  if (typeof event.hash !== 'string' || !HEX_HASH.test(event.hash))
    throw new AuditError(
      'AUDIT.UNHASHED_EVENT',
      `the event at position ${event.position} carries no chain hash`,
    );
  return Buffer.from(event.hash, 'hex');
};

/** The data of a `TreeHeadSigned` event, checked for its shape (not for its signature). */
export const treeHeadOf = (event: RecordedEvent): TreeHeadSignedData => {
  const data = event.data as Partial<Record<keyof TreeHeadSignedData, unknown>>;
  const frontier = data.frontier as { size?: unknown; nodes?: unknown } | undefined;
  if (
    event.type !== TREE_HEAD_SIGNED ||
    !isTreeHead(data.head) ||
    data.algorithm !== 'Ed25519' ||
    typeof data.keyId !== 'string' ||
    typeof data.signature !== 'string' ||
    !BASE64.test(data.signature) ||
    typeof frontier !== 'object' ||
    frontier === null ||
    typeof frontier.size !== 'number' ||
    !Array.isArray(frontier.nodes)
  )
    throw new AuditError(
      'AUDIT.TREE_HEAD_INVALID',
      `the event at position ${event.position} is not a well-formed ${TREE_HEAD_SIGNED}`,
    );
  return data as TreeHeadSignedData;
};

/** The newest `TreeHeadSigned` event (shape-checked), or undefined before the first head. */
export const latestTreeHead = async (
  store: EventStore,
): Promise<{ readonly event: RecordedEvent; readonly data: TreeHeadSignedData } | undefined> => {
  const [event] = await store.readStream(TREE_HEADS_STREAM, {
    direction: 'backwards',
    maxCount: 1,
  });
  return event === undefined ? undefined : { event, data: treeHeadOf(event) };
};
