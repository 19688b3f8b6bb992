import { createHmac, type KeyObject } from 'node:crypto';
import { normalizeChineseMobile } from '@custodia/customers';

const KEY_BYTES = 32;

/**
 * Keyed blind index (HMAC-SHA256) for exact-match search on personal values: the read models
 * store the digest, never the value, and without the key nobody can test guesses against it.
 * Each kind of value is hashed under its own prefix, so a phone and an e-mail never collide.
 */
export class BlindIndex {
  readonly #key: KeyObject | Buffer;

  constructor(secret: KeyObject | Buffer) {
    if (Buffer.isBuffer(secret)) {
      if (secret.length !== KEY_BYTES) {
        throw new Error(`blind index: the key must be ${KEY_BYTES} bytes`);
      }
      this.#key = Buffer.from(secret);
    } else {
      if (secret.type !== 'secret' || (secret.symmetricKeySize ?? 0) < KEY_BYTES) {
        throw new Error(`blind index: the key must be a secret key of at least ${KEY_BYTES} bytes`);
      }
      this.#key = secret;
    }
  }

  /** A mainland mobile in any accepted format (`+86 138-1234-5678`) hashes as its 11 digits. */
  phone(value: string): Buffer {
    return this.digest('phone', normalizeChineseMobile(value.trim()));
  }

  /** E-mail addresses compare case-insensitively. */
  email(value: string): Buffer {
    return this.digest('email', value.trim().toLowerCase());
  }

  private digest(kind: 'phone' | 'email', value: string): Buffer {
    return createHmac('sha256', this.#key).update(`${kind}:`).update(value, 'utf8').digest();
  }
}
