// The public API of @custodia/access: who sees which customer, which fields, how; and the proof.
export * from './access.events';
export * from './access.policy';
export * from './access-decision';
export * from './field-views';
export * from './masking';
export * from './read-models/customer-views';
