export type CustomerErrorCode =
  | 'CUSTOMER.ALREADY_REGISTERED'
  | 'CUSTOMER.NOT_FOUND'
  /** Erased (crypto-shredded): gone for good; nothing may be added for the customer again. */
  | 'CUSTOMER.ERASED'
  /** A profile key that is not a customer field: it would be stored unclassified. */
  | 'CUSTOMER.FIELD_UNKNOWN'
  | 'CUSTOMER.FIELD_REQUIRED'
  | 'CUSTOMER.FIELD_INVALID'
  /** Minimum necessity (PIPL art. 6): no active purpose covers the field. */
  | 'CUSTOMER.FIELD_NOT_COVERED'
  /** PIPL art. 29: a sensitive field needs an active separate consent covering it. */
  | 'CUSTOMER.SEPARATE_CONSENT_REQUIRED'
  | 'CUSTOMER.PURPOSE_REPEATED';

/** The customers context's one error: messages name the field and rule, never its value. */
export class CustomerError extends Error {
  constructor(
    readonly code: CustomerErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'CustomerError';
  }
}
