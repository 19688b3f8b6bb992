import { PrivacyError } from './privacy.errors';

// Free text (reasons, notes) is personal and sealed: bounded, and never echoed in an error.
export const MAX_FREE_TEXT_LENGTH = 2000;
// Control characters other than tab and line breaks have no place in a note.
const CONTROL = /(?![\t\n\r])\p{Cc}/u;

/** Trimmed free text; `REASON_REQUIRED` when empty (for a reason), `FIELD_INVALID` otherwise. */
export const checkReason = (value: string | undefined, field: string): string => {
  const trimmed = (value ?? '').trim();
  if (trimmed === '') {
    throw new PrivacyError('PRIVACY.REASON_REQUIRED', `${field} is required`, field);
  }
  return checkFreeText(trimmed, field);
};

export const checkFreeText = (value: string, field: string): string => {
  const trimmed = value.trim();
  if (trimmed.length > MAX_FREE_TEXT_LENGTH || CONTROL.test(trimmed)) {
    throw new PrivacyError(
      'PRIVACY.FIELD_INVALID',
      `${field} must be at most ${MAX_FREE_TEXT_LENGTH} printable characters`,
      field,
    );
  }
  return trimmed;
};

/** Ids and codes end up in stream names and read models: plain characters only. */
export const CODE_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;

export const checkCode = (value: string, field: string): string => {
  if (!CODE_PATTERN.test(value)) {
    throw new PrivacyError(
      'PRIVACY.FIELD_INVALID',
      `${field} must be 1-64 letters, digits or . _ : - starting with a letter or digit`,
      field,
    );
  }
  return value;
};
