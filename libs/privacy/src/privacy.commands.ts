import type { PrivacyOutcome } from './privacy.events';

/** Who decided and when: copied onto every event the command produces. */
export type PrivacyCommandMetadata = {
  readonly actorId: string;
  readonly correlationId?: string;
  /** ISO-8601 time of the decision, from the Clock. */
  readonly now: string;
};

type On<Type extends string, Data> = {
  readonly type: Type;
  readonly data: Data;
  readonly metadata: PrivacyCommandMetadata;
};
type Ref = { readonly requestId: string };

/** Type and regime are unchecked strings here: the decider validates them. */
export type ReceivePrivacyRequest = On<
  'ReceivePrivacyRequest',
  Ref & {
    readonly customerId: string;
    readonly type: string;
    readonly regime: string;
    readonly channel?: string;
    readonly note?: string;
  }
>;
export type VerifyPrivacyRequest = On<'VerifyPrivacyRequest', Ref>;
export type StartPrivacyRequest = On<'StartPrivacyRequest', Ref>;
export type ExtendPrivacyRequest = On<'ExtendPrivacyRequest', Ref & { readonly reason: string }>;
export type DeferPrivacyRequest = On<
  'DeferPrivacyRequest',
  Ref & { readonly holdIds: readonly string[] }
>;
export type ResumePrivacyRequest = On<'ResumePrivacyRequest', Ref>;
export type RejectPrivacyRequest = On<'RejectPrivacyRequest', Ref & { readonly reason: string }>;
export type CompletePrivacyRequest = On<
  'CompletePrivacyRequest',
  Ref & { readonly outcome: PrivacyOutcome }
>;

export type PrivacyRequestCommand =
  | ReceivePrivacyRequest
  | VerifyPrivacyRequest
  | StartPrivacyRequest
  | ExtendPrivacyRequest
  | DeferPrivacyRequest
  | ResumePrivacyRequest
  | RejectPrivacyRequest
  | CompletePrivacyRequest;

type HoldRef = { readonly customerId: string; readonly holdId: string };

export type PlaceLegalHold = On<
  'PlaceLegalHold',
  HoldRef & { readonly reason: string; readonly basis: string; readonly until?: string }
>;
export type LiftLegalHold = On<'LiftLegalHold', HoldRef>;

export type LegalHoldCommand = PlaceLegalHold | LiftLegalHold;
