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
