/** What a data subject asks for: erasure, a copy of their data (PIPL art. 45, GDPR art. 15/20), or a correction. */
export const PRIVACY_REQUEST_TYPES = ['erasure', 'access', 'correction'] as const;
export type PrivacyRequestType = (typeof PRIVACY_REQUEST_TYPES)[number];

/** Which law sets the deadline. */
export const PRIVACY_REGIMES = ['PIPL', 'GDPR'] as const;
export type PrivacyRegime = (typeof PRIVACY_REGIMES)[number];

export const PRIVACY_REQUEST_STATES = [
  'received',
  'verified',
  'in_progress',
  'deferred',
  'completed',
  'rejected',
] as const;
export type PrivacyRequestState = (typeof PRIVACY_REQUEST_STATES)[number];

/** The states a deferred request goes back to once no hold applies. */
export type ResumableState = 'verified' | 'in_progress';

/** Ids of what the work produced (e.g. `{ keyId, logPosition, certificateId }`): never a value. */
export type PrivacyOutcome = Readonly<Record<string, string | number>>;

// Every event names the request and the customer: the customer is the subject whose key seals
// the free-text fields (note, reasons), and the projection needs no lookup.
type RequestRef = { readonly requestId: string; readonly customerId: string };

/** `note` is free text about a person: personal, sealed under the customer's key. */
export type PrivacyRequestReceived = {
  readonly type: 'PrivacyRequestReceived';
  readonly data: RequestRef & {
    readonly type: PrivacyRequestType;
    readonly regime: PrivacyRegime;
    readonly receivedAt: string;
    readonly dueAt: string;
    readonly actorId: string;
    readonly channel?: string;
    readonly note?: string;
  };
};

/** The requester's identity was checked. */
export type PrivacyRequestVerified = {
  readonly type: 'PrivacyRequestVerified';
  readonly data: RequestRef & { readonly verifiedAt: string };
};

export type PrivacyRequestStarted = {
  readonly type: 'PrivacyRequestStarted';
  readonly data: RequestRef & { readonly startedAt: string };
};

/** `reason` is free text: personal, sealed. `dueAt` is the new deadline. */
export type PrivacyRequestExtended = {
  readonly type: 'PrivacyRequestExtended';
  readonly data: RequestRef & {
    readonly reason: string;
    readonly dueAt: string;
    readonly extendedAt: string;
  };
};

/** A legal hold applies: the work waits. `holdIds` name the holds (their reasons stay in theirs). */
export type PrivacyRequestDeferred = {
  readonly type: 'PrivacyRequestDeferred';
  readonly data: RequestRef & { readonly holdIds: readonly string[]; readonly deferredAt: string };
};

/** No hold applies any more: back to `state`, the state it was deferred from. */
export type PrivacyRequestResumed = {
  readonly type: 'PrivacyRequestResumed';
  readonly data: RequestRef & { readonly state: ResumableState; readonly resumedAt: string };
};

/** `reason` is free text: personal, sealed. */
export type PrivacyRequestRejected = {
  readonly type: 'PrivacyRequestRejected';
  readonly data: RequestRef & { readonly reason: string; readonly rejectedAt: string };
};

export type PrivacyRequestCompleted = {
  readonly type: 'PrivacyRequestCompleted';
  readonly data: RequestRef & { readonly completedAt: string; readonly outcome: PrivacyOutcome };
};

export type PrivacyRequestEvent =
  | PrivacyRequestReceived
  | PrivacyRequestVerified
  | PrivacyRequestStarted
  | PrivacyRequestExtended
  | PrivacyRequestDeferred
  | PrivacyRequestResumed
  | PrivacyRequestRejected
  | PrivacyRequestCompleted;

export const PRIVACY_REQUEST_EVENT_TYPES: readonly PrivacyRequestEvent['type'][] = [
  'PrivacyRequestReceived',
  'PrivacyRequestVerified',
  'PrivacyRequestStarted',
  'PrivacyRequestExtended',
  'PrivacyRequestDeferred',
  'PrivacyRequestResumed',
  'PrivacyRequestRejected',
  'PrivacyRequestCompleted',
];

export const PRIVACY_REQUEST_STREAM_PREFIX = 'PrivacyRequest-';
export const privacyRequestStreamId = (requestId: string): string =>
  `${PRIVACY_REQUEST_STREAM_PREFIX}${requestId}`;

/** `reason` is free text: personal, sealed. `basis` is a code or short citation, kept clear. */
export type LegalHoldPlaced = {
  readonly type: 'LegalHoldPlaced';
  readonly data: {
    readonly holdId: string;
    readonly customerId: string;
    readonly reason: string;
    readonly basis: string;
    readonly until?: string;
    readonly placedAt: string;
    readonly actorId: string;
  };
};

export type LegalHoldLifted = {
  readonly type: 'LegalHoldLifted';
  readonly data: {
    readonly holdId: string;
    readonly customerId: string;
    readonly liftedAt: string;
    readonly actorId: string;
  };
};

export type LegalHoldEvent = LegalHoldPlaced | LegalHoldLifted;

export const LEGAL_HOLD_EVENT_TYPES: readonly LegalHoldEvent['type'][] = [
  'LegalHoldPlaced',
  'LegalHoldLifted',
];

/** All holds of one customer in one stream: "is there an active hold" is one read. */
export const LEGAL_HOLDS_STREAM_PREFIX = 'LegalHolds-';
export const legalHoldsStreamId = (customerId: string): string =>
  `${LEGAL_HOLDS_STREAM_PREFIX}${customerId}`;
