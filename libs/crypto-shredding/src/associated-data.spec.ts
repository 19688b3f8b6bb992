import { associatedData } from './associated-data';

describe('associatedData', () => {
  it('writes each part as a 4-byte big-endian byte length and its UTF-8 bytes', () => {
    const expected = Buffer.concat(
      ['lbl', 'ab', '客户', ''].flatMap((part) => {
        const bytes = Buffer.from(part, 'utf8');
        const length = Buffer.alloc(4);
        length.writeUInt32BE(bytes.length);
        return [length, bytes];
      }),
    );
    expect(associatedData('lbl', ['ab', '客户', ''])).toEqual(expected);
    expect(associatedData('lbl', ['ab', '客户', '']).toString('hex')).toBe(
      '000000036c626c' + '000000026162' + '00000006e5aea2e688b7' + '00000000',
    );
  });

  it('never encodes two different tuples alike', () => {
    expect(associatedData('l', ['ab', 'c'])).not.toEqual(associatedData('l', ['a', 'bc']));
    expect(associatedData('l', ['a'])).not.toEqual(associatedData('la', []));
  });
});
