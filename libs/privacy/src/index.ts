// The public API of @custodia/privacy: privacy requests (erasure, access, correction) with their
// deadlines, and legal holds. Executing an erasure lives elsewhere and calls `PrivacyRequests`.
export * from './privacy.events';
export * from './privacy.commands';
export * from './privacy.errors';
export {
  addPeriod,
  DEFAULT_PRIVACY_DEADLINES,
  type Period,
  type PrivacyDeadlineOptions,
  type RegimeDeadline,
} from './privacy-deadlines';
export { CODE_PATTERN, MAX_FREE_TEXT_LENGTH } from './privacy-input';
export {
  createPrivacyRequestDecider,
  isOpen,
  isOverdue,
  type PrivacyRequest,
  type PrivacyRequestAggregate,
} from './privacy-request.decider';
export {
  activeHolds,
  BASIS_PATTERN,
  type LegalHold,
  legalHoldDecider,
  type LegalHoldsState,
} from './legal-hold.decider';
export { privacyPersonalData } from './privacy.personal-data';
export { type Loaded, PrivacyRepository } from './privacy.repository';
export {
  type NewLegalHold,
  type NewPrivacyRequest,
  PRIVACY_DEADLINES,
  PRIVACY_READ_DATABASE,
  PrivacyRequests,
  type ReadDatabase,
} from './privacy-requests.service';
export {
  ChangePrivacyRequestCommand,
  CompletePrivacyRequestCommand,
  DeferPrivacyRequestCommand,
  GetPrivacyRequestQuery,
  ReceivePrivacyRequestCommand,
  type RequestStep,
} from './privacy-request.handlers';
export {
  ActiveHoldsOfQuery,
  LiftLegalHoldCommand,
  PlaceLegalHoldCommand,
} from './legal-hold.handlers';
export { PrivacyModule, type PrivacyModuleOptions } from './privacy.module';
export { privacyMigrations } from './privacy.migrations';
export { privacyProjection } from './read-models/privacy.projection';
export {
  listPrivacyRequests,
  type ListPrivacyRequestsOptions,
  type PrivacyRequestPage,
  type PrivacyRequestSummary,
} from './read-models/privacy-requests/privacy-requests.query';
export { findHoldOwner } from './read-models/legal-holds/legal-holds.query';
export {
  type RetentionBasis,
  retentionDue,
  type RetentionSubject,
  type RetentionVerdict,
} from './retention';
export {
  completedErasures,
  type CompletedErasures,
} from './read-models/privacy-requests/completed-erasures.query';
