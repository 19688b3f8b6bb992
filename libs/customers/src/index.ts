// The public API of @custodia/customers: the customer aggregate (profile, owner, consents), its
// stream, and the Chinese personal data formats it validates.
export * from './customer-profile';
export * from './profile-formats';
export * from './profile-coverage';
export * from './customer.errors';
export * from './customer.commands';
export * from './customer.events';
export * from './customer.decider';
export * from './customer-stream';
export * from './customer.personal-data';
