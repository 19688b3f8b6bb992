/**
 * Audit: tamper evidence over the log (RFC 6962 Merkle tree heads signed with Ed25519, chain
 * and tree verification), incidents and audit reports. Access timelines live in
 * `@custodia/access` (their projection); this library adds what the auditor proves with them.
 */
export {};
