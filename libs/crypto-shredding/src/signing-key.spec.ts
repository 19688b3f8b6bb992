import { createPublicKey, randomUUID, verify } from 'node:crypto';
import { InMemoryKeyVault } from './in-memory-key-vault';
import type { DataKey } from './master-key';
import { SIGNING_KEY_PURPOSE, signingKeyFrom, signingKeyId } from './signing-key';

describe(signingKeyFrom.name, () => {
  const message = Buffer.from('tree head 42');

  it('signs with Ed25519, verifiable by node:crypto with the published PEM and JWK', async () => {
    const sut = await signingKeyFrom(new InMemoryKeyVault());
    const signature = sut.sign(message);
    expect(signature).toHaveLength(64);
    expect(sut.verify(message, signature)).toBe(true);
    expect(verify(null, message, createPublicKey(sut.publicKeyPem), signature)).toBe(true);
    const fromJwk = createPublicKey({ key: { ...sut.publicKeyJwk }, format: 'jwk' });
    expect(verify(null, message, fromJwk, signature)).toBe(true);
    expect(sut.publicKeyJwk).toEqual({ kty: 'OKP', crv: 'Ed25519', x: expect.any(String) });
    expect(Buffer.from(sut.publicKeyJwk.x, 'base64url')).toHaveLength(32);
  });

  it('refuses a changed message or signature', async () => {
    const sut = await signingKeyFrom(new InMemoryKeyVault());
    const signature = sut.sign(message);
    expect(sut.verify(Buffer.from('tree head 43'), signature)).toBe(false);
    const flipped = Buffer.from(signature);
    flipped[10] ^= 1;
    expect(sut.verify(message, flipped)).toBe(false);
  });

  it('names the key by the SHA-256 of its raw public key, the same id from the PEM alone', async () => {
    const sut = await signingKeyFrom(new InMemoryKeyVault());
    expect(sut.keyId).toMatch(/^[0-9a-f]{16}$/);
    expect(signingKeyId(sut.publicKeyPem)).toBe(sut.keyId);
  });

  it('derives the same key from the same data key, another from another purpose or vault', async () => {
    const vault = new InMemoryKeyVault();
    const sut = await signingKeyFrom(vault);
    expect((await signingKeyFrom(vault)).publicKeyPem).toBe(sut.publicKeyPem);
    expect((await signingKeyFrom(vault, 'custodia:signing:v2')).keyId).not.toBe(sut.keyId);
    expect((await signingKeyFrom(new InMemoryKeyVault())).keyId).not.toBe(sut.keyId);
  });

  it('keeps its data key in the vault under the purpose, and exposes no secret', async () => {
    const vault = new InMemoryKeyVault();
    const sut = await signingKeyFrom(vault);
    const dataKey = (await vault.keysForDecryption([SIGNING_KEY_PURPOSE])).get(
      SIGNING_KEY_PURPOSE,
    ) as DataKey;
    const secret = dataKey.key.export();
    const shown = JSON.stringify(sut);
    expect(Object.keys(sut).sort()).toEqual(
      ['keyId', 'publicKeyJwk', 'publicKeyPem', 'sign', 'verify'].sort(),
    );
    expect(shown).not.toContain(secret.toString('base64'));
    expect(shown).not.toContain(secret.toString('base64url'));
    expect(shown).not.toContain(secret.toString('hex'));
    expect(Object.isFrozen(sut)).toBe(true);
  });

  it('is gone with its data key: an erased purpose cannot sign again', async () => {
    const vault = new InMemoryKeyVault();
    const purpose = `custodia:signing:${randomUUID()}`;
    await signingKeyFrom(vault, purpose);
    await vault.destroyKey(purpose);
    await expect(signingKeyFrom(vault, purpose)).rejects.toMatchObject({
      code: 'CRYPTO.SUBJECT_ERASED',
    });
  });
});
