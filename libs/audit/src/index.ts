/**
 * Audit: tamper evidence over the log (RFC 6962 Merkle tree heads signed with Ed25519, chain
 * and tree verification), incidents and audit reports. Access timelines live in
 * `@custodia/access` (their projection); this library adds what the auditor proves with them.
 */
export { AuditError, type AuditErrorCode } from './merkle/audit.errors';
export { EMPTY_ROOT, HASH_BYTES, hashChildren, hashLeaf, merkleRoot } from './merkle/merkle-hash';
export { MerkleFrontier, type MerkleFrontierState } from './merkle/merkle-frontier';
export {
  type ConsistencyClaim,
  consistencyProof,
  type InclusionClaim,
  inclusionProof,
  rootFromInclusionProof,
  verifyConsistency,
  verifyInclusion,
} from './merkle/merkle-proofs';
export { CustomerExposure, type ExposureReport } from './exposure/customer-exposure';
export { actorAsOf, customerAsOf, type CustomerAsOf, knownAt } from './exposure/exposure-replay';
export {
  exposureOfUser,
  type ExposureView,
  type PurposeExposure,
  type UserExposure,
} from './exposure/exposure.policy';
export * from './incidents/incident.events';
export * from './incidents/incident.commands';
export * from './incidents/incident.errors';
export {
  incidentDecider,
  isNotificationOverdue,
  notificationDeadlines,
  type Incident,
  type IncidentAggregate,
  type IncidentTransition,
} from './incidents/incident.decider';
export { ACTOR_ID_PATTERN, MAX_INCIDENT_TEXT_LENGTH } from './incidents/incident-input';
export {
  INCIDENTS_READ_DATABASE,
  IncidentRegister,
  type NewIncident,
} from './incidents/incident-register.service';
export {
  ChangeIncidentStatusCommand,
  GetIncidentQuery,
  OpenIncidentCommand,
} from './incidents/incident.handlers';
export { IncidentsModule, type IncidentsModuleOptions } from './incidents/incidents.module';
export { incidentMigrations } from './incidents/incident.migrations';
export { incidentsProjection } from './incidents/read-models/incidents/incidents.projection';
export {
  listIncidents,
  type IncidentPage,
  type IncidentSummary,
  type ListIncidentsOptions,
} from './incidents/read-models/incidents/incidents.query';
export { type AuditReport, buildAuditReport } from './report/audit-report.query';
export { AUDIT_REPORT_CSV_COLUMNS, auditReportRows } from './report/audit-report.csv';
export {
  buildTreeHead,
  isTreeHead,
  type SignedTreeHead,
  signTreeHead,
  type TreeHead,
  type TreeHeadInput,
  treeHeadSignedBytes,
  verifyTreeHeadSignature,
} from './tree-heads/tree-head';
export {
  TREE_HEAD_SIGNED,
  TREE_HEAD_SIGNER_ACTOR_ID,
  TREE_HEADS_STREAM,
  type TreeHeadSignedData,
} from './tree-heads/tree-head.events';
export { eventLeaf, latestTreeHead, treeHeadOf } from './tree-heads/tree-head-log';
export {
  TreeHeadSigner,
  type TreeHeadSignerLogger,
  type TreeHeadSignerOptions,
} from './tree-heads/tree-head-signer';
export {
  type LogEntry,
  type VerificationFailure,
  type VerificationFailureKind,
  type VerificationReport,
  type VerifyLogOptions,
  verifyLog,
} from './verify/log-verifier';
export {
  exportLogLines,
  fileLogEntries,
  type LogExportHeader,
  storeLogEntries,
  storeTreeHeads,
} from './verify/log-sources';
