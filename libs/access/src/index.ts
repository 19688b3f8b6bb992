// The public API of @custodia/access: who sees which customer, which fields, how; and the proof.
export * from './access.events';
export * from './access.policy';
export * from './access-decision';
export * from './field-views';
export * from './masking';
export * from './read-models/customer-views';
export { AccessQueryError, type AccessQueryErrorCode } from './read-models/access-query.errors';
export { BlindIndex } from './read-models/blind-index';
export { accessMigrations } from './read-models/access.migrations';
export { accessProjections } from './read-models/access.projections';
export { customerDirectoryProjection } from './read-models/customer-directory/customer-directory.projection';
export { customerConsentsProjection } from './read-models/customer-consents/customer-consents.projection';
export { followUpTimelineProjection } from './read-models/follow-up-timeline/follow-up-timeline.projection';
export { customerFinanceProjection } from './read-models/customer-finance/customer-finance.projection';
export { PostgresCustomerViews } from './read-models/postgres-customer-views';
export { AccessLogUnavailable, type AccessLogErrorCode } from './audit/access-log.errors';
export {
  AccessRecorder,
  type AccessRecorderOptions,
  type RecordedAccess,
} from './audit/access-recorder';
export {
  ACCESS_ALERTS_STREAM,
  alertEventId,
  anomalyRules,
  type AccessAnomalyDetected,
  type AnomalyRule,
} from './alerts/alert.events';
export {
  defaultAnomalyOptions,
  detectAnomalies,
  initialAnomalyState,
  type AnomalyOptions,
  type AnomalyState,
  type DetectedAlert,
  type ObservedAccessEvent,
} from './alerts/anomaly-detection';
export { AlertProcessor, type AlertProcessorOptions } from './alerts/alert-processor';
export { AlertWebhook, type AlertWebhookOptions } from './alerts/alert-webhook';
export {
  PostgresRevealBudget,
  type RevealLimits,
  revealBudgetMigrations,
} from './reveal-budget/reveal-budget';
export { AlertQueryError, type AlertErrorCode } from './alerts/alert.errors';
export { accessAlertMigrations } from './alerts/access-alert.migrations';
export { accessAlertsProjection } from './alerts/read-models/access-alerts/access-alerts.projection';
export {
  listAlerts,
  type AccessAlert,
  type AlertPage,
  type ListAlertsOptions,
} from './alerts/read-models/access-alerts/access-alerts.query';
export { accessTimelineMigrations } from './read-models/access-timeline/access-timeline.migrations';
export {
  type AccessTimelineKind,
  accessTimelineProjection,
} from './read-models/access-timeline/access-timeline.projection';
export {
  type AccessReport,
  type AccessTimelineEntry,
  type AccessTimelineOptions,
  type AccessTimelinePage,
  AccessTimelineQueries,
} from './read-models/access-timeline/access-timeline.query';
export { preparedQueries } from './read-models/prepared-queries';
export {
  type AccessScope,
  type AccessWindow,
  AccessWindowQueries,
  type ActorActivity,
  type DenialSummary,
  type ExposedCustomer,
  type ExposedField,
  type FieldAccessSummary,
  type WindowExport,
} from './read-models/access-timeline/access-timeline.window.query';
export {
  alertsInWindow,
  type AlertsInWindow,
} from './alerts/read-models/access-alerts/access-alerts.window.query';
export {
  accessTimelineKinds,
  type TimelineKind,
} from './read-models/access-timeline/access-timeline.projection';
export {
  type ChangeDetail,
  type ChangeKind,
  changeKinds,
  type FieldChange,
} from './read-models/access-timeline/access-timeline.changes';
export {
  AccessTimelineSearch,
  type ActualAccess,
  type AuditTimelineEntry,
  type AuditTimelineFilter,
  type AuditTimelinePage,
  isTimelineKind,
  timelineKinds,
} from './read-models/access-timeline/access-timeline.search';
