import { inspect } from 'node:util';
import pino from 'pino';
import { PassThrough } from 'node:stream';
import { HIDDEN_SECRET, hideSecret } from './secret-value';

describe(hideSecret.name, () => {
  const key = Buffer.alloc(32, 0x42);
  const secret = 'jwt-secret-0123456789abcdefghijklmnopqrstuv';
  const config = () => ({
    port: 3000,
    masterKey: hideSecret({ key: hideSecret(Buffer.from(key)), source: 'env' }),
    auth: hideSecret({ jwtSecret: secret }),
  });
  const forms = [key.toString('base64'), key.toString('hex'), '66, 66, 66', '42 42 42', secret];

  it('keeps the secrets out of JSON and util.inspect, at any depth', () => {
    for (const text of [
      JSON.stringify(config()),
      JSON.stringify({ nested: { config: config() } }),
      inspect(config(), { depth: 10 }),
      `${inspect({ deep: { config: config() } }, { depth: 10 })}`,
      JSON.stringify(config().masterKey.key),
    ]) {
      for (const form of forms) expect(text).not.toContain(form);
      expect(text).toContain(HIDDEN_SECRET);
    }
    expect(JSON.parse(JSON.stringify(config()))).toEqual({
      port: 3000,
      masterKey: HIDDEN_SECRET,
      auth: HIDDEN_SECRET,
    });
  });

  it('keeps them out of a pino log line', () => {
    let line = '';
    const destination = new PassThrough();
    destination.on('data', (chunk: Buffer) => (line += chunk.toString('utf8')));
    pino(destination).info({ config: config(), key: config().masterKey.key }, 'configuration');
    expect(line).toContain('configuration');
    for (const form of forms) expect(line).not.toContain(form);
  });

  it('leaves the values readable', () => {
    const { masterKey, auth } = config();
    expect(masterKey.key.equals(key)).toBe(true);
    expect(masterKey.key.toString('base64')).toBe(key.toString('base64'));
    expect(auth.jwtSecret).toBe(secret);
    expect(Object.keys(masterKey)).toEqual(['key', 'source']);
  });
});
