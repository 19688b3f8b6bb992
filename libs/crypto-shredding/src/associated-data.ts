/**
 * Additional authenticated data for AES-GCM: a label naming the use, then each part prefixed by
 * its byte length, so no two different tuples encode the same (`"ab" + "c"` ≠ `"a" + "bc"`).
 */
export const associatedData = (label: string, parts: readonly string[]): Buffer => {
  const chunks = [label, ...parts].flatMap((part) => {
    const bytes = Buffer.from(part, 'utf8');
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    return [length, bytes];
  });
  return Buffer.concat(chunks);
};
