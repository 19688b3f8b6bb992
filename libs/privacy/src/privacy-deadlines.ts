import type { PrivacyRegime } from './privacy.events';

/** A span of calendar time: whole months (calendar arithmetic) plus days (24 h each). */
export type Period = { readonly months?: number; readonly days?: number };

export type RegimeDeadline = {
  /** From receipt to the first due date. */
  readonly initial: Period;
  /** Added to the due date by the one extension allowed. */
  readonly extension: Period;
};

/** Passed to `createPrivacyRequestDecider`; every regime needs an entry. */
export type PrivacyDeadlineOptions = {
  readonly deadlines: Readonly<Record<PrivacyRegime, RegimeDeadline>>;
};

/**
 * PIPL sets no number of days (art. 50: "promptly"); 15 days is the usual default in Chinese
 * practice and the product's brief. PIPL knows no extension either, so we allow one further
 * 15 days (30 in all, the longest period older national guidance accepted), with a reason on
 * record — the narrowest choice that still lets a complex request be answered lawfully.
 * GDPR art. 12(3): one month, extendable once by up to two further months, with reasons.
 */
export const DEFAULT_PRIVACY_DEADLINES: PrivacyDeadlineOptions = {
  deadlines: {
    PIPL: { initial: { days: 15 }, extension: { days: 15 } },
    GDPR: { initial: { months: 1 }, extension: { months: 2 } },
  },
};

const DAY_MS = 86_400_000;

/**
 * `from` plus `period`, as ISO-8601 UTC. Months follow EU Regulation 1182/71 art. 3: the same
 * day of the later month, or its last day when it has no such day (31 Jan + 1 month = 28/29 Feb).
 */
export const addPeriod = (from: string, { months = 0, days = 0 }: Period): string => {
  const start = new Date(from);
  const year = start.getUTCFullYear();
  const month = start.getUTCMonth() + months;
  const lastDay = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const shifted = new Date(start);
  shifted.setUTCFullYear(year, month, Math.min(start.getUTCDate(), lastDay));
  return new Date(shifted.getTime() + days * DAY_MS).toISOString();
};
