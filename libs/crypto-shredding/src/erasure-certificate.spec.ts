import { generateKeyPairSync, randomUUID } from 'node:crypto';
import {
  buildErasureCertificate,
  canonicalJson,
  type ErasureCertificate,
  type ErasureCertificateInput,
  type SignedErasureCertificate,
  signErasureCertificate,
  verifyErasureCertificate,
} from './erasure-certificate';
import { InMemoryKeyVault } from './in-memory-key-vault';
import { type SigningKey, signingKeyFrom } from './signing-key';

const input = (): ErasureCertificateInput => ({
  requestId: '0192f3a4-5b6c-7d8e-9f00-112233445566',
  customerId: '0192f3a4-0000-7000-8000-00000000c0de',
  keyId: '0192f3a4-1111-7111-8111-111111111111',
  erasedAt: new Date('2026-11-30T09:00:00.123Z'),
  actorId: 'dpo-1',
  logPosition: '123456',
  keyAbsent: {
    checkedAt: new Date('2026-11-30T09:00:01.000Z'),
    dataKeyRows: 0,
    erasureRecordedAt: new Date('2026-11-30T09:00:00.123Z'),
  },
  issuedAt: new Date('2026-11-30T09:00:02.000Z'),
});

/** Replaces the value at a dotted path (a deep copy: the original stays intact). */
const changed = (doc: ErasureCertificate, path: string, value: unknown): ErasureCertificate => {
  const copy = JSON.parse(JSON.stringify(doc)) as Record<string, unknown>;
  const keys = path.split('.');
  const last = keys.pop() as string;
  const parent = keys.reduce((node, key) => node[key] as Record<string, unknown>, copy);
  parent[last] = value;
  return copy as ErasureCertificate;
};

describe(buildErasureCertificate.name, () => {
  let signingKey: SigningKey;
  let signed: SignedErasureCertificate;

  beforeAll(async () => {
    signingKey = await signingKeyFrom(new InMemoryKeyVault());
    signed = signErasureCertificate(buildErasureCertificate(input()), signingKey);
  });

  it('states ids and times only, in a canonical form', () => {
    expect(canonicalJson(buildErasureCertificate(input()))).toBe(
      '{"actorId":"dpo-1","customerId":"0192f3a4-0000-7000-8000-00000000c0de",' +
        '"erasedAt":"2026-11-30T09:00:00.123Z","issuedAt":"2026-11-30T09:00:02.000Z",' +
        '"keyAbsent":{"checkedAt":"2026-11-30T09:00:01.000Z","dataKeyRows":0,' +
        '"erasureRecordedAt":"2026-11-30T09:00:00.123Z"},' +
        '"keyId":"0192f3a4-1111-7111-8111-111111111111","logPosition":"123456",' +
        '"requestId":"0192f3a4-5b6c-7d8e-9f00-112233445566",' +
        '"type":"custodia.erasure-certificate","version":1}',
    );
  });

  it('round-trips: signed, verified with the trusted public key, also through JSON', () => {
    expect(signed).toMatchObject({
      keyId: signingKey.keyId,
      algorithm: 'Ed25519',
      publicKeyPem: signingKey.publicKeyPem,
    });
    expect(verifyErasureCertificate(signed, signingKey.publicKeyPem)).toBe(true);
    const wire = JSON.parse(JSON.stringify(signed)) as SignedErasureCertificate;
    expect(verifyErasureCertificate(wire, signingKey.publicKeyPem)).toBe(true);
  });

  it('verifies whatever order the keys arrive in', () => {
    const doc = signed.certificate;
    const reversed = Object.fromEntries(
      Object.entries(doc)
        .reverse()
        .map(([key, value]) => [
          key,
          key === 'keyAbsent' ? Object.fromEntries(Object.entries(doc.keyAbsent).reverse()) : value,
        ]),
    ) as ErasureCertificate;
    expect(JSON.stringify(reversed)).not.toBe(JSON.stringify(doc));
    expect(canonicalJson(reversed)).toBe(canonicalJson(doc));
    expect(
      verifyErasureCertificate({ ...signed, certificate: reversed }, signingKey.publicKeyPem),
    ).toBe(true);
  });

  it.each([
    ['type', 'custodia.something-else'],
    ['version', 2],
    ['requestId', '0192f3a4-5b6c-7d8e-9f00-112233445567'],
    ['customerId', randomUUID()],
    ['keyId', null],
    ['erasedAt', '2026-11-30T09:00:00.124Z'],
    ['actorId', 'dpo-2'],
    ['logPosition', '123457'],
    ['keyAbsent.checkedAt', '2026-11-30T09:00:01.001Z'],
    ['keyAbsent.dataKeyRows', 1],
    ['keyAbsent.erasureRecordedAt', '2026-11-30T09:00:00.000Z'],
    ['issuedAt', '2026-11-30T09:00:03.000Z'],
    ['extra', 'a field the signer never saw'],
  ])('fails when %s is changed', (path, value) => {
    const certificate = changed(signed.certificate, path, value);
    expect(verifyErasureCertificate({ ...signed, certificate }, signingKey.publicKeyPem)).toBe(
      false,
    );
  });

  it('fails on a changed signature, key id or algorithm, or another public key', () => {
    const { publicKeyPem } = signingKey;
    const signature = Buffer.from(signed.signature, 'base64');
    signature[0] ^= 1;
    const other = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' });
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey.export({
      type: 'spki',
      format: 'pem',
    });
    const verdicts = [
      { ...signed, signature: signature.toString('base64') },
      { ...signed, signature: `${signed.signature}==` },
      { ...signed, signature: 'not base64 at all' },
      { ...signed, keyId: '0000000000000000' },
      { ...signed, algorithm: 'RS256' as 'Ed25519' },
    ].map((tampered) => verifyErasureCertificate(tampered, publicKeyPem));
    expect(verdicts).toEqual([false, false, false, false, false]);
    expect(verifyErasureCertificate(signed, other.toString())).toBe(false);
    expect(verifyErasureCertificate(signed, rsa.toString())).toBe(false);
    expect(verifyErasureCertificate(signed, 'not a key')).toBe(false);
  });

  it('copies only the typed fields: a personal value passed along never reaches the document', () => {
    const withExtras = {
      ...input(),
      name: '张三',
      phone: '13800138000',
      keyAbsent: { ...input().keyAbsent, subjectId: 'x', phone: '13800138000' },
    };
    // @ts-expect-error: the builder's input type has no field for a personal value
    const typedRefusal: ErasureCertificateInput = { ...input(), phone: '13800138000' };
    expect(typedRefusal).toBeDefined();
    const text = canonicalJson(buildErasureCertificate(withExtras));
    expect(text).not.toContain('13800138000');
    expect(text).not.toContain('张三');
    expect(text).not.toContain('subjectId');
  });

  it.each([
    ['requestId', '张三'],
    ['customerId', '13800138000'],
    ['customerId', 'zhang.san@example.com'],
    ['keyId', 'not-a-uuid'],
    ['actorId', '张三'],
    ['actorId', 'zhang san'],
    ['logPosition', 'Zhang San, 13800138000'],
  ])('refuses %s that is not an id (%s), naming the field but not the value', (field, value) => {
    let refusal: unknown;
    try {
      buildErasureCertificate({ ...input(), [field]: value });
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toMatchObject({ code: 'CRYPTO.INVALID_DECLARATION' });
    const { message } = refusal as Error;
    expect(message).toContain(field);
    expect(message).not.toContain(value);
  });

  it('refuses an invalid time and evidence that still counts a key', () => {
    expect(() => buildErasureCertificate({ ...input(), erasedAt: new Date('nope') })).toThrow(
      'erasedAt',
    );
    const stillThere = { ...input().keyAbsent, dataKeyRows: 1 as 0 };
    expect(() => buildErasureCertificate({ ...input(), keyAbsent: stillThere })).toThrow(
      'dataKeyRows',
    );
  });
});

describe(canonicalJson.name, () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: [2, 1, { d: 1, c: null }], a: 'é"\n', c: true })).toBe(
      '{"a":"é\\"\\n","b":[2,1,{"c":null,"d":1}],"c":true}',
    );
  });

  it('refuses values that have no single JSON form', () => {
    expect(() => canonicalJson({ a: 1.5 })).toThrow();
    expect(() => canonicalJson({ a: undefined })).toThrow();
    expect(() => canonicalJson({ a: 10n })).toThrow();
  });
});

describe(InMemoryKeyVault.prototype.keyAbsenceEvidence.name, () => {
  it('throws before erasure and gives ids and times after, for a certificate', async () => {
    let now = new Date('2026-11-30T09:00:00.000Z');
    const sut = new InMemoryKeyVault(() => now);
    const customerId = randomUUID();
    const key = (await sut.keysForEncryption([customerId])).get(customerId);
    await expect(sut.keyAbsenceEvidence(customerId)).rejects.toMatchObject({
      code: 'CRYPTO.KEY_NOT_DESTROYED',
    });
    await sut.destroyKey(customerId);
    now = new Date('2026-11-30T09:00:05.000Z');
    const evidence = await sut.keyAbsenceEvidence(customerId);
    expect(evidence).toEqual({
      subjectId: customerId,
      keyId: key?.id,
      checkedAt: now,
      dataKeyRows: 0,
      erasureRecordedAt: new Date('2026-11-30T09:00:00.000Z'),
    });
    const doc = buildErasureCertificate({ ...input(), customerId, keyAbsent: evidence });
    expect(doc.keyAbsent).toEqual({
      checkedAt: '2026-11-30T09:00:05.000Z',
      dataKeyRows: 0,
      erasureRecordedAt: '2026-11-30T09:00:00.000Z',
    });
  });
});
