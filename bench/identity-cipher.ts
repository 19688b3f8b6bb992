import type { FieldCipher } from '@custodia/crypto-shredding';

/**
 * For the benchmark only: the field cipher replaced by identity. Same envelope shape (kid, iv,
 * ct as base64), so the payload, the key lookups and every code path around the cipher stay
 * the same; the plaintext is merely base64-encoded: no IV, no AES-GCM, no associated data.
 * Never wired into the product (dependency-cruiser keeps bench/ out of apps and libs).
 */
export const IDENTITY_CIPHER: FieldCipher = {
  encrypt: (key, _binding, value) => ({
    $enc: 1,
    kid: key.id,
    iv: '',
    ct: Buffer.from(JSON.stringify(value), 'utf8').toString('base64'),
  }),
  decrypt: (_key, _binding, envelope) =>
    JSON.parse(Buffer.from(envelope.ct, 'base64').toString('utf8')) as unknown,
};
