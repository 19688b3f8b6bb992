import type { FieldName } from '@custodia/consent';
import { isEnvelope, isErased } from '@custodia/crypto-shredding';
import { maskField } from '../masking';

/**
 * How a projection reads one value of a decrypted event: `undefined` when the event does not
 * carry the field (leave the column as it is), `null` when it was erased (the customer's key is
 * gone) or removed.
 */
export const plainValue = (value: unknown): unknown =>
  value === undefined ? undefined : value === null || isErased(value) ? null : value;

/** The masked form of a personal field as a column value; see `plainValue` for undefined/null. */
export const maskedValue = (field: FieldName, value: unknown): string | null | undefined => {
  const plain = plainValue(value);
  if (plain === undefined || plain === null) return plain;
  return String(maskField(field, plain));
};

/** A business value stored as jsonb (products, quote), or null. */
export const jsonValue = (value: unknown): string | null | undefined => {
  const plain = plainValue(value);
  return plain === undefined || plain === null ? plain : JSON.stringify(plain);
};

/**
 * A note that is there, for a projection that `readsSealed`: a sealed envelope (the decider only
 * seals non-blank notes), or non-blank text when the store keeps no envelopes. Whether the key
 * still opens it is the erasure's business: `CustomerErased` comes before any key is destroyed.
 */
export const isPresentNote = (value: unknown): boolean =>
  isEnvelope(value) || (typeof value === 'string' && value.trim() !== '');
