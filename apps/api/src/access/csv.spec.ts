import { csvCell, csvLine } from './csv';

describe('csv', () => {
  it('quotes cells holding a comma, quote or line break (RFC 4180)', () => {
    expect(csvCell('plain')).toBe('plain');
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('two\nlines')).toBe('"two\nlines"');
  });

  it('defuses cells a spreadsheet would run as formulas', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvCell('+86')).toBe("'+86");
    expect(csvCell('-1')).toBe("'-1");
    expect(csvCell('@cmd')).toBe("'@cmd");
  });

  it('writes empty cells for missing values and JSON for objects', () => {
    expect(csvLine(['a', undefined, null, { amount: 1 }])).toBe('a,,,"{""amount"":1}"\r\n');
  });
});
