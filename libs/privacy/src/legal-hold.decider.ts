import type { Decider } from '@custodia/platform';
import type { LegalHoldCommand, LiftLegalHold, PlaceLegalHold } from './privacy.commands';
import { PrivacyError } from './privacy.errors';
import type { LegalHoldEvent } from './privacy.events';
import { checkCode, checkReason } from './privacy-input';

/** One hold as the decider needs it: no reason (that stays sealed in the event). */
export type LegalHold = {
  readonly holdId: string;
  readonly basis: string;
  readonly until: string | null;
  readonly placedAt: string;
  readonly liftedAt: string | null;
};

/** Every hold of one customer, placed or lifted, by hold id. */
export type LegalHoldsState = {
  readonly customerId: string | null;
  readonly holds: Readonly<Record<string, LegalHold>>;
};

/** Neither lifted nor past its `until` at `now`: the holds that defer an erasure. */
export const activeHolds = (state: LegalHoldsState, now: Date): LegalHold[] =>
  Object.values(state.holds).filter(
    (hold) =>
      hold.liftedAt === null && (hold.until === null || Date.parse(hold.until) > now.getTime()),
  );

// A code ('litigation', 'tax_audit', 'regulator_order') or a short citation ('GDPR art. 17(3)(e)'):
// ASCII only, kept in clear in the read model, so no room for a name.
export const BASIS_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._:()/§-]{0,99}$/;

const place = ({ data, metadata }: PlaceLegalHold, state: LegalHoldsState): LegalHoldEvent[] => {
  checkCode(data.customerId, 'customerId');
  checkCode(data.holdId, 'holdId');
  if (state.holds[data.holdId] !== undefined) {
    throw new PrivacyError('PRIVACY.HOLD_EXISTS', 'the legal hold already exists', 'holdId');
  }
  const reason = checkReason(data.reason, 'reason');
  const basis = data.basis.trim();
  if (!BASIS_PATTERN.test(basis)) {
    throw new PrivacyError(
      'PRIVACY.FIELD_INVALID',
      'basis must be a code or short citation: 1-100 ASCII letters, digits, spaces or . _ : ( ) / § -',
      'basis',
    );
  }
  let until: string | undefined;
  if (data.until !== undefined) {
    const at = Date.parse(data.until);
    // An expiry in the past would place a hold that never applied: refuse it.
    if (Number.isNaN(at) || at <= Date.parse(metadata.now)) {
      throw new PrivacyError(
        'PRIVACY.FIELD_INVALID',
        'until must be a future ISO-8601 time; omit it for a hold until lifted',
        'until',
      );
    }
    until = new Date(at).toISOString();
  }
  return [
    {
      type: 'LegalHoldPlaced',
      data: {
        holdId: data.holdId,
        customerId: data.customerId,
        reason,
        basis,
        ...(until === undefined ? {} : { until }),
        placedAt: metadata.now,
        actorId: metadata.actorId,
      },
    },
  ];
};

const lift = ({ data, metadata }: LiftLegalHold, state: LegalHoldsState): LegalHoldEvent[] => {
  const hold = state.holds[data.holdId];
  if (hold === undefined) {
    throw new PrivacyError('PRIVACY.HOLD_NOT_FOUND', 'no such legal hold', 'holdId');
  }
  if (hold.liftedAt !== null) return []; // lifting again changes nothing
  return [
    {
      type: 'LegalHoldLifted',
      data: {
        holdId: data.holdId,
        customerId: data.customerId,
        liftedAt: metadata.now,
        actorId: metadata.actorId,
      },
    },
  ];
};

const decide = (command: LegalHoldCommand, state: LegalHoldsState): LegalHoldEvent[] => {
  switch (command.type) {
    case 'PlaceLegalHold':
      return place(command, state);
    case 'LiftLegalHold':
      return lift(command, state);
  }
};

const evolve = (state: LegalHoldsState, event: LegalHoldEvent): LegalHoldsState => {
  switch (event.type) {
    case 'LegalHoldPlaced': {
      const { holdId, customerId, basis, until, placedAt } = event.data;
      const hold: LegalHold = { holdId, basis, until: until ?? null, placedAt, liftedAt: null };
      return { customerId, holds: { ...state.holds, [holdId]: hold } };
    }
    case 'LegalHoldLifted': {
      const hold = state.holds[event.data.holdId];
      if (hold === undefined) return state;
      return {
        ...state,
        holds: { ...state.holds, [hold.holdId]: { ...hold, liftedAt: event.data.liftedAt } },
      };
    }
    default: {
      const unexpected: never = event;
      return unexpected;
    }
  }
};

/** The legal holds of one customer: place, lift. Pure; time comes in `metadata.now`. */
export const legalHoldDecider: Decider<LegalHoldCommand, LegalHoldEvent, LegalHoldsState> = {
  decide,
  evolve,
  initialState: () => ({ customerId: null, holds: {} }),
};
