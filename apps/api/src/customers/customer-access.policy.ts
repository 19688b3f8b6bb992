import { CustomerError, type CustomerState, type RegisteredCustomer } from '@custodia/customers';
import { type Actor, hasLeft, type UserState } from '@custodia/identity';

const notFound = (): CustomerError =>
  new CustomerError('CUSTOMER.NOT_FOUND', 'customerId: no such customer', 'customerId');

/**
 * Who may work on a customer's record: its owner (a sales rep) or a sales manager of its team.
 * Admins manage users and hand customers over; they do not edit customer data (least
 * privilege). Anyone else is told the customer does not exist, so ids cannot be probed.
 */
export const assertMayWorkOn = (actor: Actor, state: CustomerState): RegisteredCustomer => {
  const customer = state.customer;
  if (customer === undefined) throw notFound();
  if (actor.roles.includes('sales_manager') && actor.team === customer.team) return customer;
  if (actor.roles.includes('sales') && actor.userId === customer.ownerId) return customer;
  throw notFound();
};

/** Handover: a sales manager of the customer's team, or an admin. */
export const assertMayTransfer = (actor: Actor, state: CustomerState): RegisteredCustomer => {
  const customer = state.customer;
  if (customer === undefined) throw notFound();
  if (actor.roles.includes('admin')) return customer;
  if (actor.roles.includes('sales_manager') && actor.team === customer.team) return customer;
  throw notFound();
};

/**
 * The owner a customer may be given: an active sales rep or manager with a team. A sales rep may
 * only name themselves; a sales manager someone of their own team; an admin anyone.
 * Returns the owner's team, which becomes the customer's.
 */
export const ownerTeam = (actor: Actor, owner: UserState, now: Date): string => {
  const refuse = (): never => {
    throw new CustomerError(
      'CUSTOMER.FIELD_INVALID',
      'ownerId: must be an active sales rep or sales manager you may assign',
      'ownerId',
    );
  };
  if (owner === null || hasLeft(owner, now) || owner.team === null) return refuse();
  if (!owner.roles.some((role) => role === 'sales' || role === 'sales_manager')) return refuse();
  if (actor.roles.includes('admin') || owner.userId === actor.userId) return owner.team;
  if (actor.roles.includes('sales_manager') && actor.team === owner.team) return owner.team;
  return refuse();
};
