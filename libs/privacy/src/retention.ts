import { addIsoDuration, instantMs, type PurposeCatalog } from '@custodia/consent';

/** One purpose's consent or other lawful basis, as `access_customer_consents` holds it. */
export type RetentionBasis = {
  readonly purpose: string;
  /** When the basis began (the grant or the recording). */
  readonly since: string;
  /** When it was withdrawn or ended; absent while it is active. */
  readonly endedAt?: string;
};

/** What the read models hold on one customer, enough to judge retention. */
export type RetentionSubject = {
  /** `access_customer_directory.erased`. */
  readonly erased: boolean;
  /** Every row of `access_customer_consents` for the customer, active or not. */
  readonly bases: readonly RetentionBasis[];
  /** The latest `access_follow_ups.occurred_at` per purpose. */
  readonly lastFollowUps: ReadonlyMap<string, string>;
};

export type RetentionVerdict =
  | { readonly due: false; readonly keptUntil?: string }
  | {
      readonly due: true;
      readonly reason: 'no_active_basis' | 'retention_expired';
      /** When erasure became due. */
      readonly since: string;
    };

/**
 * Whether the customer's data must go at `now` (PIPL art. 47, GDPR art. 5(1)(e)). The rule:
 *
 * - An active basis keeps the data until its purpose's `retentionPeriod` has run from the LATER
 *   of the basis's `since` and the last follow-up under that purpose (each follow-up restarts
 *   the period; a follow-up before `since` counts from `since`).
 * - A withdrawn or ended basis keeps nothing: withdrawal takes effect at once (PIPL art. 47(3)).
 * - A basis whose purpose left the catalog, or an `everyCustomer` duty (answering privacy
 *   requests, controlling access: reads only), keeps nothing either.
 * - Erasure is due once no basis keeps the data: `no_active_basis` (since the last end) when
 *   none is active, `retention_expired` (since the last expiry) otherwise.
 * - Never due for an erased customer, nor for one with no basis on record at all: the consent
 *   projection may not have caught up with a new customer, and erasing on a lag is not undoable.
 */
export const retentionDue = (
  subject: RetentionSubject,
  catalog: PurposeCatalog,
  now: Date,
): RetentionVerdict => {
  if (subject.erased || subject.bases.length === 0) return { due: false };
  const active = subject.bases.filter((basis) => basis.endedAt === undefined);
  if (active.length === 0) {
    return { due: true, reason: 'no_active_basis', since: latest(subject.bases.map(endOf)) };
  }
  const expiries = active.map((basis) => expiryOf(basis, subject.lastFollowUps, catalog));
  const keptUntil = latest(expiries);
  if (instantMs(keptUntil) > now.getTime()) return { due: false, keptUntil };
  return { due: true, reason: 'retention_expired', since: keptUntil };
};

/** When an active basis stops keeping the data: `since` itself if it keeps nothing. */
const expiryOf = (
  basis: RetentionBasis,
  lastFollowUps: ReadonlyMap<string, string>,
  catalog: PurposeCatalog,
): string => {
  const purpose = catalog.purposes.get(basis.purpose);
  if (purpose === undefined || purpose.everyCustomer) return basis.since;
  const followUp = lastFollowUps.get(basis.purpose);
  const from =
    followUp !== undefined && instantMs(followUp) > instantMs(basis.since) ? followUp : basis.since;
  return addIsoDuration(from, purpose.retentionPeriod);
};

const endOf = (basis: RetentionBasis): string => basis.endedAt ?? basis.since;

const latest = (instants: readonly string[]): string =>
  instants.reduce((a, b) => (instantMs(b) > instantMs(a) ? b : a));
