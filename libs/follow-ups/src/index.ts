// The public API of @custodia/follow-ups: one record per interaction with a customer, logged in
// the customer's stream under a purpose whose consent is active.
export * from './follow-up.errors';
export * from './follow-up.commands';
export * from './follow-up.events';
export { catalogFieldOf, partsUsed } from './follow-up-content';
export * from './follow-up.decider';
export * from './follow-up.personal-data';
export * from './customer-stream.personal-data';
