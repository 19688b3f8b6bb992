import { Writable } from 'node:stream';
import { createLogger, REDACTED } from './logger';

const capture = (): { lines: string[]; stream: Writable } => {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { lines, stream };
};

describe(createLogger.name, () => {
  it('censors personal fields at any of the first three levels and secrets in headers', () => {
    const { lines, stream } = capture();
    const sut = createLogger('info', stream);
    sut.info({
      phone: '13800138000',
      customer: { name: '张三', email: 'zhangsan@example.com', address: { city: '北京' } },
      event: { data: { idNumber: '110101199003074514' } },
      req: { headers: { authorization: 'Bearer abc.def.ghi' }, body: { wechat: 'zs_wx' } },
    });
    const out = lines.join('');
    for (const value of [
      '13800138000',
      '张三',
      'zhangsan@example.com',
      '北京',
      '110101199003074514',
      'abc.def.ghi',
      'zs_wx',
    ]) {
      expect(out).not.toContain(value);
    }
    expect(out).toContain(REDACTED);
  });

  it('censors the configuration’s secrets when a whole configuration is logged (first three levels)', () => {
    const { lines, stream } = capture();
    const sut = createLogger('info', stream);
    const config = {
      port: 3000,
      databaseUrl: 'postgres://custodia:db-password-1@db:5432/custodia',
      auth: { jwtSecret: 'jwt-secret-0123456789abcdefghijklmnopqrst' },
      masterKey: { key: Buffer.alloc(32, 0x41).toString('base64'), source: 'env' },
    };
    sut.info({ config });
    sut.info(config);
    const out = lines.join('');
    for (const value of ['db-password-1', 'jwt-secret-0123456789', config.masterKey.key]) {
      expect(out).not.toContain(value);
    }
    expect(out).toContain('"port":3000');
  });
});
