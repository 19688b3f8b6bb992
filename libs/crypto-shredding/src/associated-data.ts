/**
 * Additional authenticated data for AES-GCM: a label naming the use, then each part prefixed by
 * its byte length, so no two different tuples encode the same (`"ab" + "c"` ≠ `"a" + "bc"`).
 * Written into one buffer: it is built for every field sealed or opened.
 */
export const associatedData = (label: string, parts: readonly string[]): Buffer => {
  let size = 4 + Buffer.byteLength(label, 'utf8');
  for (const part of parts) size += 4 + Buffer.byteLength(part, 'utf8');
  const aad = Buffer.allocUnsafe(size);
  let offset = 0;
  for (const part of [label, ...parts]) {
    const length = aad.write(part, offset + 4, 'utf8');
    aad.writeUInt32BE(length, offset);
    offset += 4 + length;
  }
  return aad;
};
