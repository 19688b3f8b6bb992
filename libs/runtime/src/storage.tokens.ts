/** The TypeORM DataSource of the application database (read models, checkpoints, migrations). */
export const DATA_SOURCE = Symbol('DATA_SOURCE');
/** The `DatabaseHandle` from boot: embedded, attached or external. */
export const DATABASE_HANDLE = Symbol('DATABASE_HANDLE');
export const PROJECTION_RUNNER = Symbol('PROJECTION_RUNNER');
/** Whether this process runs the projections (PROJECTOR=inline, or the projector app). */
export const RUN_PROJECTOR = Symbol('RUN_PROJECTOR');
/** The keyed blind index of the customer directory (exact-match phone and e-mail lookups). */
export const BLIND_INDEX = Symbol('BLIND_INDEX');
/** The anomaly rules over the access log (runs where the projections run). */
export const ALERT_PROCESSOR = Symbol('ALERT_PROCESSOR');
/**
 * `StartupReconciliation`: what the start-up run of `reconcileErasedKeys` destroyed, before the
 * EVENT_STORE was handed to anyone.
 */
export const KEY_RECONCILIATION = Symbol('KEY_RECONCILIATION');
/**
 * `() => Promise<SigningKey>`: the service's Ed25519 key (erasure certificates, tree heads),
 * derived from the vault on first use, so start-up does not depend on it.
 */
export const SIGNING_KEY = Symbol('SIGNING_KEY');
/** The `TreeHeadSigner`: periodic where the projections run, on demand everywhere. */
export const TREE_HEAD_SIGNER = Symbol('TREE_HEAD_SIGNER');
