import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { loadConfig } from './config';
import { withDevSecrets } from './dev-secrets';

const KEY = Buffer.alloc(32, 0x33);
const SECRET = 'config-secret-0123456789abcdefghijklmnop';
const FORMS = [KEY.toString('base64'), KEY.toString('hex'), '51, 51, 51', '33 33 33', SECRET];

/** Every way the configuration could end up printed: JSON (pino) or util.inspect (console). */
const printed = (value: unknown): string[] => [
  JSON.stringify(value),
  JSON.stringify({ config: value }),
  inspect(value, { depth: 10 }),
];

describe('configuration secrets', () => {
  it.each([
    ['CUSTODIA_MASTER_KEY', KEY.toString('base64')],
    ['CUSTODIA_MASTER_KEY_FILE', 'file'],
  ])('print as [secret] when the key comes from %s', (variable, value) => {
    const file = join(mkdtempSync(join(tmpdir(), 'custodia-key-')), 'kek');
    writeFileSync(file, KEY.toString('base64'));
    const sut = loadConfig({
      AUTH_JWT_SECRET: SECRET,
      [variable]: value === 'file' ? file : value,
    });
    expect(sut.masterKey?.key.equals(KEY)).toBe(true);
    expect(sut.auth).toEqual({ jwtSecret: SECRET });
    for (const text of printed(sut)) {
      for (const form of FORMS) expect(text).not.toContain(form);
      expect(text).toContain('[secret]');
    }
    for (const text of printed(sut.masterKey?.key)) {
      for (const form of FORMS) expect(text).not.toContain(form);
    }
  });

  it('print as [secret] when the embedded default generates them', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'custodia-dev-'));
    const sut = withDevSecrets(loadConfig({ CUSTODIA_DATA_DIR: dataDir }), {
      warn: () => undefined,
    });
    const key = sut.masterKey?.key;
    const secret = sut.auth !== undefined && 'jwtSecret' in sut.auth ? sut.auth.jwtSecret : '';
    expect(key?.length).toBe(32);
    expect(secret.length).toBeGreaterThanOrEqual(32);
    for (const text of printed(sut)) {
      for (const form of [key?.toString('base64') ?? '', key?.toString('hex') ?? '', secret]) {
        expect(text).not.toContain(form);
      }
    }
  });
});
