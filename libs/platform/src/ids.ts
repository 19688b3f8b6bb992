import { v7 } from 'uuid';
import { secureRandomBytes } from './random';

// The uuid package's own monotonic scheme (RFC 9562, 6.2 method 1): a 31-bit counter seeded at
// random each new millisecond keeps one process's ids strictly increasing; on overflow the
// timestamp moves on by one. Kept here because the package keeps it only for its own random.
let lastMs = -Infinity;
let seq = 0;

/** Time-ordered UUIDv7: ids sort roughly by creation, which keeps B-tree inserts local. */
export const newId = (): string => {
  const random = secureRandomBytes(16);
  const now = Date.now();
  if (now > lastMs) {
    lastMs = now;
    seq = ((random[6] & 0x7f) << 24) | (random[7] << 16) | (random[8] << 8) | random[9];
  } else {
    seq = (seq + 1) | 0;
    if (seq === 0) lastMs += 1;
  }
  return v7({ random, msecs: lastMs, seq });
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isUuid = (value: string): boolean => UUID.test(value);
