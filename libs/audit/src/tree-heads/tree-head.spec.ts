import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { InMemoryKeyVault, type SigningKey, signingKeyFrom } from '@custodia/crypto-shredding';
import { canonicalJson } from '@custodia/event-store';
import { AuditError } from '../merkle/audit.errors';
import { merkleRoot } from '../merkle/merkle-hash';
import {
  buildTreeHead,
  type SignedTreeHead,
  signTreeHead,
  type TreeHeadInput,
  verifyTreeHeadSignature,
} from './tree-head';

const input = (): TreeHeadInput => ({
  treeSize: 3,
  rootHash: merkleRoot([Buffer.alloc(32, 1), Buffer.alloc(32, 2), Buffer.alloc(32, 3)]),
  lastPosition: '00000000000000000765-00000000000000000003',
  signedAt: new Date('2026-11-30T12:00:00.000Z'),
});

const withHead = (signed: SignedTreeHead, change: Record<string, unknown>): SignedTreeHead => ({
  ...signed,
  head: { ...signed.head, ...change },
});

describe(verifyTreeHeadSignature.name, () => {
  let signingKey: SigningKey;
  let signed: SignedTreeHead;

  beforeAll(async () => {
    signingKey = await signingKeyFrom(new InMemoryKeyVault());
    signed = signTreeHead(buildTreeHead(input()), signingKey);
  });

  it('signs the canonical document, in the erasure certificate style', () => {
    expect(canonicalJson(signed.head)).toBe(
      `{"lastPosition":"00000000000000000765-00000000000000000003","rootHash":"${Buffer.from(input().rootHash).toString('hex')}",` +
        '"signedAt":"2026-11-30T12:00:00.000Z","treeSize":3,"type":"custodia.tree-head","version":1}',
    );
    expect(signed).toMatchObject({ keyId: signingKey.keyId, algorithm: 'Ed25519' });
    expect(Buffer.from(signed.signature, 'base64')).toHaveLength(64);
  });

  it('verifies with the trusted public key, as PEM or KeyObject, also after a JSON round trip', () => {
    expect(verifyTreeHeadSignature(signed, signingKey.publicKeyPem)).toBe(true);
    expect(verifyTreeHeadSignature(signed, createPublicKey(signingKey.publicKeyPem))).toBe(true);
    const copy = JSON.parse(JSON.stringify(signed)) as SignedTreeHead;
    expect(verifyTreeHeadSignature(copy, signingKey.publicKeyPem)).toBe(true);
  });

  it('does not depend on the order the head keys come back in (jsonb reorders them)', () => {
    const reordered = Object.fromEntries(Object.entries(signed.head).reverse());
    expect(
      verifyTreeHeadSignature(
        { ...signed, head: reordered as SignedTreeHead['head'] },
        signingKey.publicKeyPem,
      ),
    ).toBe(true);
  });

  it.each([
    ['treeSize', 4],
    ['rootHash', merkleRoot([]).toString('hex')],
    ['lastPosition', '00000000000000000765-00000000000000000004'],
    ['signedAt', '2026-11-30T12:00:00.001Z'],
    ['version', 2],
    ['extra', 'field'],
  ])('fails when the head field %s is changed or added', (field, value) => {
    expect(
      verifyTreeHeadSignature(withHead(signed, { [field]: value }), signingKey.publicKeyPem),
    ).toBe(false);
  });

  it('fails for another key, another key id, another algorithm or a bad signature', async () => {
    const other = await signingKeyFrom(new InMemoryKeyVault());
    expect(verifyTreeHeadSignature(signed, other.publicKeyPem)).toBe(false);
    // The other key's signature over the same head, claiming our key id: refused by the key check.
    const forged = signTreeHead(signed.head, other);
    expect(
      verifyTreeHeadSignature({ ...forged, keyId: signed.keyId }, signingKey.publicKeyPem),
    ).toBe(false);
    expect(
      verifyTreeHeadSignature({ ...signed, keyId: other.keyId }, signingKey.publicKeyPem),
    ).toBe(false);
    expect(
      verifyTreeHeadSignature(
        { ...signed, algorithm: 'RS256' as 'Ed25519' },
        signingKey.publicKeyPem,
      ),
    ).toBe(false);
    const bytes = Buffer.from(signed.signature, 'base64');
    bytes[10] ^= 1;
    expect(
      verifyTreeHeadSignature(
        { ...signed, signature: bytes.toString('base64') },
        signingKey.publicKeyPem,
      ),
    ).toBe(false);
    expect(
      verifyTreeHeadSignature(
        { ...signed, signature: `${signed.signature}\n` },
        signingKey.publicKeyPem,
      ),
    ).toBe(false);
  });

  it('never throws on a malformed key or document', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey;
    expect(verifyTreeHeadSignature(signed, rsa)).toBe(false);
    expect(verifyTreeHeadSignature(signed, 'not a key')).toBe(false);
    expect(verifyTreeHeadSignature({} as SignedTreeHead, signingKey.publicKeyPem)).toBe(false);
    expect(
      verifyTreeHeadSignature(null as unknown as SignedTreeHead, signingKey.publicKeyPem),
    ).toBe(false);
  });
});

describe(buildTreeHead.name, () => {
  it.each([
    ['an empty tree', { treeSize: 0 }],
    ['a fractional size', { treeSize: 1.5 }],
    ['a short root', { rootHash: Buffer.alloc(31) }],
    ['a position with spaces', { lastPosition: '12 34' }],
    ['an empty position', { lastPosition: '' }],
    ['an invalid time', { signedAt: new Date('nope') }],
  ])('refuses %s', (_label, change) => {
    expect(() => buildTreeHead({ ...input(), ...change })).toThrow(AuditError);
  });
});
