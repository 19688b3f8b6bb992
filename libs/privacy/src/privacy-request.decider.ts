import type { Decider } from '@custodia/platform';
import type {
  CompletePrivacyRequest,
  DeferPrivacyRequest,
  ExtendPrivacyRequest,
  PrivacyRequestCommand,
  ReceivePrivacyRequest,
  RejectPrivacyRequest,
} from './privacy.commands';
import {
  addPeriod,
  DEFAULT_PRIVACY_DEADLINES,
  type PrivacyDeadlineOptions,
} from './privacy-deadlines';
import { PrivacyError } from './privacy.errors';
import {
  PRIVACY_REGIMES,
  PRIVACY_REQUEST_TYPES,
  type PrivacyOutcome,
  type PrivacyRegime,
  type PrivacyRequestEvent,
  type PrivacyRequestState,
  type PrivacyRequestType,
  type ResumableState,
} from './privacy.events';
import { checkCode, checkFreeText, checkReason } from './privacy-input';

export type PrivacyRequest = {
  readonly requestId: string;
  readonly customerId: string;
  readonly type: PrivacyRequestType;
  readonly regime: PrivacyRegime;
  readonly state: PrivacyRequestState;
  readonly receivedAt: string;
  readonly dueAt: string;
  readonly extended: boolean;
  /** Set while deferred: the state to go back to. */
  readonly deferredFrom: ResumableState | null;
  readonly holdIds: readonly string[];
  readonly completedAt: string | null;
  readonly outcome: PrivacyOutcome | null;
};

/** `null` until the request is received. */
export type PrivacyRequestAggregate = PrivacyRequest | null;

const OPEN: readonly PrivacyRequestState[] = ['received', 'verified', 'in_progress', 'deferred'];

/** Not completed or rejected. */
export const isOpen = (request: Pick<PrivacyRequest, 'state'>): boolean =>
  OPEN.includes(request.state);

/** Open and past its due date at `now`. */
export const isOverdue = (request: Pick<PrivacyRequest, 'state' | 'dueAt'>, now: Date): boolean =>
  isOpen(request) && Date.parse(request.dueAt) < now.getTime();

// Outcomes are small JSON of ids: a few keys, short values, nothing that could be a note.
const MAX_OUTCOME_KEYS = 8;
const MAX_OUTCOME_VALUE_LENGTH = 200;
const OUTCOME_KEY = /^[A-Za-z][A-Za-z0-9_]{0,31}$/;
const OUTCOME_VALUE = /^[A-Za-z0-9._:/+=-]*$/;

const checkOutcome = (outcome: PrivacyOutcome): PrivacyOutcome => {
  const entries = Object.entries(outcome);
  const valid =
    entries.length <= MAX_OUTCOME_KEYS &&
    entries.every(
      ([key, value]) =>
        OUTCOME_KEY.test(key) &&
        (typeof value === 'number'
          ? Number.isSafeInteger(value)
          : typeof value === 'string' &&
            value.length <= MAX_OUTCOME_VALUE_LENGTH &&
            OUTCOME_VALUE.test(value)),
    );
  if (!valid) {
    throw new PrivacyError(
      'PRIVACY.FIELD_INVALID',
      `outcome must be at most ${MAX_OUTCOME_KEYS} ids (short strings or integers)`,
      'outcome',
    );
  }
  return Object.fromEntries(entries);
};

const existing = (state: PrivacyRequestAggregate): PrivacyRequest => {
  if (state === null) {
    throw new PrivacyError('PRIVACY.REQUEST_NOT_FOUND', 'no such privacy request');
  }
  return state;
};

/** The request, if its state is one of `from`; INVALID_TRANSITION otherwise. */
const inState = (
  state: PrivacyRequestAggregate,
  from: readonly PrivacyRequestState[],
  action: string,
): PrivacyRequest => {
  const request = existing(state);
  if (!from.includes(request.state)) {
    throw new PrivacyError(
      'PRIVACY.INVALID_TRANSITION',
      `a request that is ${request.state} cannot be ${action} (allowed from ${from.join(', ')})`,
      'state',
    );
  }
  return request;
};

const ref = ({ requestId, customerId }: PrivacyRequest) => ({ requestId, customerId });

const isOneOf = <T extends string>(values: readonly T[], value: string): value is T =>
  (values as readonly string[]).includes(value);

/**
 * The privacy request's lifecycle, with deadlines from `options` (PIPL 15 days and GDPR one
 * month by default). Pure: time comes in `metadata.now`, ids in the command.
 */
export const createPrivacyRequestDecider = (
  options: PrivacyDeadlineOptions = DEFAULT_PRIVACY_DEADLINES,
): Decider<PrivacyRequestCommand, PrivacyRequestEvent, PrivacyRequestAggregate> => {
  const receive = ({ data, metadata }: ReceivePrivacyRequest, state: PrivacyRequestAggregate) => {
    checkCode(data.requestId, 'requestId');
    checkCode(data.customerId, 'customerId');
    if (state !== null) {
      throw new PrivacyError('PRIVACY.REQUEST_EXISTS', 'the privacy request already exists');
    }
    if (!isOneOf(PRIVACY_REQUEST_TYPES, data.type)) {
      throw new PrivacyError(
        'PRIVACY.FIELD_INVALID',
        `type must be one of ${PRIVACY_REQUEST_TYPES.join(', ')}`,
        'type',
      );
    }
    if (!isOneOf(PRIVACY_REGIMES, data.regime)) {
      throw new PrivacyError(
        'PRIVACY.FIELD_INVALID',
        `regime must be one of ${PRIVACY_REGIMES.join(', ')}`,
        'regime',
      );
    }
    const channel = data.channel === undefined ? undefined : checkCode(data.channel, 'channel');
    const note = data.note === undefined ? '' : checkFreeText(data.note, 'note');
    const event: PrivacyRequestEvent = {
      type: 'PrivacyRequestReceived',
      data: {
        requestId: data.requestId,
        customerId: data.customerId,
        type: data.type,
        regime: data.regime,
        receivedAt: metadata.now,
        dueAt: addPeriod(metadata.now, options.deadlines[data.regime].initial),
        actorId: metadata.actorId,
        ...(channel === undefined ? {} : { channel }),
        ...(note === '' ? {} : { note }),
      },
    };
    return [event];
  };

  const extend = ({ data, metadata }: ExtendPrivacyRequest, state: PrivacyRequestAggregate) => {
    const request = inState(state, OPEN, 'extended');
    if (request.extended) {
      throw new PrivacyError(
        'PRIVACY.ALREADY_EXTENDED',
        'a request may be extended once only',
        'dueAt',
      );
    }
    const reason = checkReason(data.reason, 'reason');
    const dueAt = addPeriod(request.dueAt, options.deadlines[request.regime].extension);
    const event: PrivacyRequestEvent = {
      type: 'PrivacyRequestExtended',
      data: { ...ref(request), reason, dueAt, extendedAt: metadata.now },
    };
    return [event];
  };

  // A legal hold stops erasure only: access copies and corrections destroy nothing.
  const defer = ({ data, metadata }: DeferPrivacyRequest, state: PrivacyRequestAggregate) => {
    const request = inState(state, ['verified', 'in_progress'], 'deferred');
    if (request.type !== 'erasure') {
      throw new PrivacyError(
        'PRIVACY.INVALID_TRANSITION',
        'only an erasure request is deferred by a legal hold',
        'type',
      );
    }
    if (data.holdIds.length === 0) {
      throw new PrivacyError(
        'PRIVACY.NO_ACTIVE_HOLD',
        'deferring needs at least one active legal hold',
        'holdIds',
      );
    }
    const holdIds = [...new Set(data.holdIds.map((id) => checkCode(id, 'holdIds')))];
    const event: PrivacyRequestEvent = {
      type: 'PrivacyRequestDeferred',
      data: { ...ref(request), holdIds, deferredAt: metadata.now },
    };
    return [event];
  };

  const reject = ({ data, metadata }: RejectPrivacyRequest, state: PrivacyRequestAggregate) => {
    const request = inState(state, ['received', 'verified', 'in_progress'], 'rejected');
    const reason = checkReason(data.reason, 'reason');
    const event: PrivacyRequestEvent = {
      type: 'PrivacyRequestRejected',
      data: { ...ref(request), reason, rejectedAt: metadata.now },
    };
    return [event];
  };

  const complete = ({ data, metadata }: CompletePrivacyRequest, state: PrivacyRequestAggregate) => {
    const request = inState(state, ['in_progress'], 'completed');
    const event: PrivacyRequestEvent = {
      type: 'PrivacyRequestCompleted',
      data: { ...ref(request), completedAt: metadata.now, outcome: checkOutcome(data.outcome) },
    };
    return [event];
  };

  const decide = (
    command: PrivacyRequestCommand,
    state: PrivacyRequestAggregate,
  ): PrivacyRequestEvent[] => {
    const { now } = command.metadata;
    switch (command.type) {
      case 'ReceivePrivacyRequest':
        return receive(command, state);
      case 'VerifyPrivacyRequest': {
        const request = inState(state, ['received'], 'verified');
        return [{ type: 'PrivacyRequestVerified', data: { ...ref(request), verifiedAt: now } }];
      }
      case 'StartPrivacyRequest': {
        // Starting again is a no-op, so an executor may retry after a crash.
        if (state?.state === 'in_progress') return [];
        const request = inState(state, ['verified'], 'started');
        return [{ type: 'PrivacyRequestStarted', data: { ...ref(request), startedAt: now } }];
      }
      case 'ExtendPrivacyRequest':
        return extend(command, state);
      case 'DeferPrivacyRequest':
        return defer(command, state);
      case 'ResumePrivacyRequest': {
        const request = inState(state, ['deferred'], 'resumed');
        const back = request.deferredFrom ?? 'verified';
        return [
          { type: 'PrivacyRequestResumed', data: { ...ref(request), state: back, resumedAt: now } },
        ];
      }
      case 'RejectPrivacyRequest':
        return reject(command, state);
      case 'CompletePrivacyRequest':
        return complete(command, state);
    }
  };

  return { decide, evolve, initialState: () => null };
};

const evolve = (
  state: PrivacyRequestAggregate,
  event: PrivacyRequestEvent,
): PrivacyRequestAggregate => {
  if (event.type === 'PrivacyRequestReceived') {
    const { requestId, customerId, type, regime, receivedAt, dueAt } = event.data;
    return {
      requestId,
      customerId,
      type,
      regime,
      state: 'received',
      receivedAt,
      dueAt,
      extended: false,
      deferredFrom: null,
      holdIds: [],
      completedAt: null,
      outcome: null,
    };
  }
  if (state === null) return state; // a stream never starts otherwise
  switch (event.type) {
    case 'PrivacyRequestVerified':
      return { ...state, state: 'verified' };
    case 'PrivacyRequestStarted':
      return { ...state, state: 'in_progress' };
    case 'PrivacyRequestExtended':
      return { ...state, extended: true, dueAt: event.data.dueAt };
    case 'PrivacyRequestDeferred':
      return {
        ...state,
        state: 'deferred',
        deferredFrom: state.state === 'in_progress' ? 'in_progress' : 'verified',
        holdIds: [...event.data.holdIds],
      };
    case 'PrivacyRequestResumed':
      return { ...state, state: event.data.state, deferredFrom: null, holdIds: [] };
    case 'PrivacyRequestRejected':
      return { ...state, state: 'rejected' };
    case 'PrivacyRequestCompleted':
      return {
        ...state,
        state: 'completed',
        completedAt: event.data.completedAt,
        outcome: { ...event.data.outcome },
      };
    default: {
      const unexpected: never = event;
      return unexpected;
    }
  }
};
