import { randomBytes, randomFillSync } from 'node:crypto';

const BLOCK_BYTES = 4096;
let block = Buffer.alloc(0);
let offset = 0;

/**
 * Bytes from the CSPRNG (`node:crypto`), drawn from a 4 KiB block that one `randomFillSync`
 * fills: one call into OpenSSL per block rather than per IV or id, which matters when each of
 * them costs microseconds. No byte is handed out twice, and a spent block is never refilled in
 * place (a new one is allocated), so a returned buffer never changes under its holder.
 */
export const secureRandomBytes = (size: number): Buffer => {
  if (!Number.isInteger(size) || size < 0) throw new RangeError(`size: ${size}`);
  if (size > BLOCK_BYTES / 4) return randomBytes(size);
  if (offset + size > block.length) {
    block = randomFillSync(Buffer.allocUnsafeSlow(BLOCK_BYTES));
    offset = 0;
  }
  const bytes = block.subarray(offset, offset + size);
  offset += size;
  return bytes;
};
