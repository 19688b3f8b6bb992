import { EventStoreError } from '../event-store.errors';
import type { Position } from '../event-store.port';

/**
 * A position is (transaction id, global position), both zero-padded to 20 digits so positions
 * also sort correctly as plain strings (in a checkpoint column, say).
 */
export type PostgresPosition = { readonly transactionId: string; readonly globalPosition: string };

const FORMAT = /^(\d{20})-(\d{20})$/;

/** Accepts numbers too, in case the app installed a global int8 type parser. */
export const encodePosition = (transactionId: string, globalPosition: string | number): Position =>
  `${transactionId.padStart(20, '0')}-${String(globalPosition).padStart(20, '0')}` as Position;

export const decodePosition = (position: Position): PostgresPosition => {
  const match = typeof position === 'string' ? FORMAT.exec(position) : null;
  if (!match)
    throw new EventStoreError('EVENT_STORE.INVALID_ARGUMENT', 'not a PostgreSQL event position');
  return {
    transactionId: BigInt(match[1]).toString(),
    globalPosition: BigInt(match[2]).toString(),
  };
};

/** Before every event: transaction 0 is never assigned. */
export const START: PostgresPosition = { transactionId: '0', globalPosition: '0' };

export const comparePositions = (a: Position, b: Position): number => {
  decodePosition(a);
  decodePosition(b);
  return a < b ? -1 : a > b ? 1 : 0;
};
