import type { LawfulBasis } from '@custodia/consent';
import type { CustomerScope } from '../access.policy';
import type { ActiveBasis } from '../access-decision';

/** Personal fields as the directory holds them: masked forms only, never a full value. */
export type MaskedProfile = {
  readonly name?: string;
  readonly phone?: string;
  readonly email?: string;
  readonly wechat?: string;
  readonly address?: string;
  readonly idNumber?: string;
  /** A band such as `100k–300k`. */
  readonly income?: string;
};

export type DirectoryRow = {
  readonly customerId: string;
  readonly ownerId: string;
  readonly team: string;
  readonly masked: MaskedProfile;
  /** A business field (not personal): as given. */
  readonly company: string | null;
  readonly activeBases: readonly ActiveBasis[];
  readonly lastFollowUpAt: string | null;
  readonly nextFollowUpAt: string | null;
  readonly registeredAt: string;
  readonly updatedAt: string;
  /**
   * The customer was erased: a tombstone with ids, owner and team only (every masked value,
   * the company, the bases and the blind indexes are gone). Reads answer 410; never listed.
   */
  readonly erased: boolean;
  /** When the erasure took effect (ISO-8601), null unless erased. */
  readonly erasedAt: string | null;
};

export type DirectoryFilter = {
  /** From the policy (`customerScope`): applied first, always. */
  readonly scope: CustomerScope;
  readonly ownerId?: string;
  readonly team?: string;
  /** Next follow-up date range, inclusive, ISO-8601 instants. */
  readonly nextFollowUpFrom?: string;
  readonly nextFollowUpTo?: string;
  /** Exact match through the keyed blind index; the value itself is never stored or logged. */
  readonly phone?: string;
  readonly email?: string;
  /** Only customers with an active consent or basis for this purpose. */
  readonly coveringPurpose?: string;
};

export type Page<T> = { readonly items: readonly T[]; readonly nextCursor: string | null };

export type ConsentRow = {
  readonly purpose: string;
  readonly lawfulBasis: LawfulBasis;
  readonly status: 'active' | 'withdrawn' | 'ended';
  readonly separate: boolean;
  readonly noticeVersion: string;
  readonly channel: string | null;
  /** When the consent was granted or the basis recorded. */
  readonly since: string;
  /** When it was withdrawn or ended; null while active. */
  readonly until: string | null;
};

export type FollowUpRow = {
  readonly followUpId: string;
  readonly customerId: string;
  readonly purpose: string;
  readonly channel: string;
  readonly occurredAt: string;
  readonly recordedAt: string;
  readonly nextFollowUpAt: string | null;
  readonly products: readonly string[] | null;
  readonly quote: { readonly amount: number; readonly currency: string } | null;
  readonly orderStatus: string | null;
  readonly actorId: string;
  /** The FollowUpLogged event: the summary stays in the log, sealed, and is opened on read. */
  readonly eventId: string;
  readonly hasSummary: boolean;
  readonly hasNextStep: boolean;
};

export type FinanceRow = {
  readonly customerId: string;
  readonly ownerId: string;
  readonly team: string;
  readonly company: string | null;
  /** From the latest follow-up that named them. */
  readonly products: readonly string[] | null;
  readonly quote: { readonly amount: number; readonly currency: string } | null;
  readonly orderStatus: string | null;
  readonly updatedAt: string;
};

/** The read side's queries over the access read models (projections of the customer streams). */
export type CustomerViews = {
  directoryEntry(customerId: string): Promise<DirectoryRow | undefined>;
  /**
   * Ordered by customer id, or by (next follow-up, customer id) when a next follow-up window is
   * given; `cursor` is the opaque `nextCursor` of the previous page of the same order (one of
   * the other order is refused with ACCESS.INVALID_CURSOR). Erased customers are never listed
   * (`directoryEntry` returns their tombstone).
   */
  listDirectory(
    filter: DirectoryFilter,
    cursor: string | undefined,
    limit: number,
  ): Promise<Page<DirectoryRow>>;
  consentsOf(customerId: string): Promise<readonly ConsentRow[]>;
  /** Newest first. */
  followUpsOf(
    customerId: string,
    cursor: string | undefined,
    limit: number,
  ): Promise<Page<FollowUpRow>>;
  financeOf(customerId: string): Promise<FinanceRow | undefined>;
};

/** Nest token of the application's CustomerViews. */
export const CUSTOMER_VIEWS = Symbol('CUSTOMER_VIEWS');
