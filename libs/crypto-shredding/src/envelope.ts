/** What a personal field holds at rest: AES-256-GCM ciphertext under the subject's data key. */
export type Envelope = {
  readonly $enc: 1;
  /** Id of the data key that sealed it. */
  readonly kid: string;
  /** Base64 of the 12-byte IV. */
  readonly iv: string;
  /** Base64 of the ciphertext followed by the 16-byte tag. */
  readonly ct: string;
};

/** What a personal field reads as once its subject's key is destroyed: forever, everywhere. */
export type Erased = { readonly $erased: true };

export const ERASED: Erased = Object.freeze({ $erased: true });

export const isErased = (value: unknown): value is Erased =>
  typeof value === 'object' && value !== null && (value as { $erased?: unknown }).$erased === true;

export const isEnvelope = (value: unknown): value is Envelope => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { $enc, kid, iv, ct } = value as Record<string, unknown>;
  return $enc === 1 && typeof kid === 'string' && typeof iv === 'string' && typeof ct === 'string';
};
