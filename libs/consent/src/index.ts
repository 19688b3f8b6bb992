// The public API of @custodia/consent: the purpose and field catalogs, privacy notices, and the
// consent rules applied inside the customer's stream.
export * from './message';
export * from './field-catalog';
export * from './iso-time';
export type { NoticeText, PrivacyNotice, FoundNoticeText } from './privacy-notices';
export * from './purpose-catalog';
export * from './purpose-catalog.loader';
export * from './purpose-catalog.views';
export * from './consent.errors';
export {
  type ConsentChannel,
  type ConsentCommand,
  consentChannels,
  type EndLawfulBasis,
  type GrantConsent,
  type RecordLawfulBasis,
  type WithdrawConsent,
} from './consent.commands';
export * from './consent.events';
export * from './consent.decider';
export * from './consent.queries';
export * from './consent.personal-data';
