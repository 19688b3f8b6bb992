export * from './test-database';
export * from './decider-spec';
export * from './chinese-identity.factories';
export * from './purpose-catalog.factories';
export * from './consent.factories';
export * from './customer.factories';
export * from './follow-up.factories';
