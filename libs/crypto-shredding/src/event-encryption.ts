import type { NewEvent, RecordedEvent } from '@custodia/event-store';
import { CryptoShreddingError } from './crypto-shredding.errors';
import { ERASED, type Erased, isEnvelope, isErased } from './envelope';
import type { FieldCipher } from './field-cipher';
import { mapFieldPath } from './field-path';
import type { DataKey } from './master-key';
import type { RegisteredEventType } from './personal-data.registry';

/** An event about to be appended: its id is fixed, because the ciphertexts are bound to it. */
export type IdentifiedEvent = NewEvent & { readonly id: string };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export const subjectOf = (
  declaration: RegisteredEventType,
  event: { readonly id: string; readonly data: Record<string, unknown> },
): string => {
  const subjectId = isRecord(event.data) ? declaration.subjectOf(event.data) : undefined;
  if (subjectId === undefined)
    throw new CryptoShreddingError(
      'CRYPTO.SUBJECT_MISSING',
      `event ${event.id} (${declaration.eventType}) does not name its data subject`,
    );
  return subjectId;
};

/** Replaces every personal field with an envelope sealed under the subject's key. */
export const sealEvent = (
  cipher: FieldCipher,
  declaration: RegisteredEventType,
  key: DataKey,
  event: IdentifiedEvent,
): IdentifiedEvent => {
  let data = event.data;
  for (const path of declaration.fields) {
    data = mapFieldPath(data, path, (value, field) =>
      cipher.encrypt(key, { subjectId: key.subjectId, eventId: event.id, field }, value),
    );
  }
  return { ...event, data };
};

/**
 * Whether the event carries a value in any personal field: only then does it need its subject's
 * key. An event without one (say, the completion of a request about an erased customer) is
 * stored as it is, and never asks for a key that may be gone.
 */
export const hasPersonalValue = (
  declaration: RegisteredEventType,
  event: { readonly data: Record<string, unknown> },
): boolean => {
  if (!isRecord(event.data)) return false;
  let found = false;
  for (const path of declaration.fields) {
    mapFieldPath(event.data, path, (value) => {
      found = true;
      return value;
    });
  }
  return found;
};

/** Whether any personal field of a stored event is an envelope (needs its subject's key). */
export const isSealed = (declaration: RegisteredEventType, event: RecordedEvent): boolean => {
  if (!isRecord(event.data)) return false;
  let sealed = false;
  for (const path of declaration.fields) {
    mapFieldPath(event.data, path, (value) => {
      sealed ||= isEnvelope(value);
      return value;
    });
  }
  return sealed;
};

/**
 * Opens every envelope of a stored event. A destroyed key gives `ERASED` for each field; values
 * that are not envelopes (written before the type was registered) are returned as stored.
 */
export const openEvent = (
  cipher: FieldCipher,
  declaration: RegisteredEventType,
  subjectId: string,
  key: DataKey | Erased | undefined,
  event: RecordedEvent,
): RecordedEvent => {
  let data = event.data;
  for (const path of declaration.fields) {
    data = mapFieldPath(data, path, (value, field) => {
      if (!isEnvelope(value)) return value;
      if (key === undefined)
        throw new CryptoShreddingError(
          'CRYPTO.KEY_NOT_FOUND',
          `event ${event.id}: its subject has neither a data key nor an erasure record`,
        );
      if (isErased(key)) return ERASED;
      return cipher.decrypt(key, { subjectId, eventId: event.id, field }, value);
    });
  }
  return data === event.data ? event : { ...event, data };
};
