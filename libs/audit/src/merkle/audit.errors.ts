export type AuditErrorCode =
  | 'AUDIT.INVALID_ARGUMENT'
  | 'AUDIT.UNHASHED_EVENT'
  | 'AUDIT.TREE_HEAD_INVALID'
  | 'AUDIT.SIGNER_CONTENDED';

/** The audit context's one error class; messages name positions and rules, never values. */
export class AuditError extends Error {
  constructor(
    readonly code: AuditErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AuditError';
  }
}
