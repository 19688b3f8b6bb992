import { deciderSpec } from '@custodia/testing';
import type { PrivacyCommandMetadata, PrivacyRequestCommand } from './privacy.commands';
import type { PrivacyRequestEvent } from './privacy.events';
import { createPrivacyRequestDecider, isOverdue } from './privacy-request.decider';

const NOW = '2026-03-10T09:00:00.000Z';
const LATER = '2026-03-12T09:00:00.000Z';
const metadata: PrivacyCommandMetadata = { actorId: 'dpo', now: NOW };
const at = (now: string): PrivacyCommandMetadata => ({ actorId: 'dpo', now });
const ref = { requestId: 'r-1', customerId: 'c-1' };

const received = (
  regime: 'PIPL' | 'GDPR' = 'PIPL',
  type: 'erasure' | 'access' | 'correction' = 'erasure',
): PrivacyRequestEvent => ({
  type: 'PrivacyRequestReceived',
  data: {
    ...ref,
    type,
    regime,
    receivedAt: NOW,
    dueAt: regime === 'PIPL' ? '2026-03-25T09:00:00.000Z' : '2026-04-10T09:00:00.000Z',
    actorId: 'dpo',
  },
});
const verified: PrivacyRequestEvent = {
  type: 'PrivacyRequestVerified',
  data: { ...ref, verifiedAt: NOW },
};
const started: PrivacyRequestEvent = {
  type: 'PrivacyRequestStarted',
  data: { ...ref, startedAt: NOW },
};
const extended: PrivacyRequestEvent = {
  type: 'PrivacyRequestExtended',
  data: { ...ref, reason: 'complex', dueAt: '2026-04-09T09:00:00.000Z', extendedAt: NOW },
};
const deferred: PrivacyRequestEvent = {
  type: 'PrivacyRequestDeferred',
  data: { ...ref, holdIds: ['h-1'], deferredAt: NOW },
};
const rejected: PrivacyRequestEvent = {
  type: 'PrivacyRequestRejected',
  data: { ...ref, reason: 'identity not proven', rejectedAt: NOW },
};
const completed: PrivacyRequestEvent = {
  type: 'PrivacyRequestCompleted',
  data: { ...ref, completedAt: NOW, outcome: { keyId: 'k-1' } },
};

const receive = (
  data: Partial<{ type: string; regime: string; channel: string; note: string }> = {},
  meta: PrivacyCommandMetadata = metadata,
): PrivacyRequestCommand => ({
  type: 'ReceivePrivacyRequest',
  data: { ...ref, type: 'erasure', regime: 'PIPL', ...data },
  metadata: meta,
});
const verify: PrivacyRequestCommand = {
  type: 'VerifyPrivacyRequest',
  data: { requestId: 'r-1' },
  metadata,
};
const start: PrivacyRequestCommand = {
  type: 'StartPrivacyRequest',
  data: { requestId: 'r-1' },
  metadata,
};
const extend = (reason = 'needs records from archive'): PrivacyRequestCommand => ({
  type: 'ExtendPrivacyRequest',
  data: { requestId: 'r-1', reason },
  metadata,
});
const defer = (holdIds: string[] = ['h-1']): PrivacyRequestCommand => ({
  type: 'DeferPrivacyRequest',
  data: { requestId: 'r-1', holdIds },
  metadata,
});
const resume: PrivacyRequestCommand = {
  type: 'ResumePrivacyRequest',
  data: { requestId: 'r-1' },
  metadata: at(LATER),
};
const reject = (reason = 'identity not proven'): PrivacyRequestCommand => ({
  type: 'RejectPrivacyRequest',
  data: { requestId: 'r-1', reason },
  metadata,
});
const complete = (outcome: Record<string, string | number> = { keyId: 'k-1' }) =>
  ({ type: 'CompletePrivacyRequest', data: { requestId: 'r-1', outcome }, metadata }) as const;

describe('privacyRequestDecider', () => {
  const sut = deciderSpec(createPrivacyRequestDecider());

  describe('ReceivePrivacyRequest', () => {
    it('is due 15 days after receipt under PIPL', () => {
      sut
        .given([])
        .when(receive())
        .then([received('PIPL')]);
    });

    it('is due one calendar month after receipt under GDPR', () => {
      sut
        .given([])
        .when(receive({ regime: 'GDPR' }))
        .then([received('GDPR')]);
    });

    it('ends a GDPR month on the last day of a shorter month', () => {
      sut
        .given([])
        .when(receive({ regime: 'GDPR' }, at('2026-01-31T10:00:00.000Z')))
        .then([
          {
            type: 'PrivacyRequestReceived',
            data: {
              ...ref,
              type: 'erasure',
              regime: 'GDPR',
              receivedAt: '2026-01-31T10:00:00.000Z',
              dueAt: '2026-02-28T10:00:00.000Z',
              actorId: 'dpo',
            },
          },
        ]);
    });

    it('takes deadlines from the options', () => {
      const custom = deciderSpec(
        createPrivacyRequestDecider({
          deadlines: {
            PIPL: { initial: { days: 10 }, extension: { days: 5 } },
            GDPR: { initial: { months: 1 }, extension: { months: 2 } },
          },
        }),
      );
      custom
        .given([])
        .when(receive())
        .then([
          {
            type: 'PrivacyRequestReceived',
            data: {
              ...ref,
              type: 'erasure',
              regime: 'PIPL',
              receivedAt: NOW,
              dueAt: '2026-03-20T09:00:00.000Z',
              actorId: 'dpo',
            },
          },
        ]);
    });

    it('keeps a trimmed note and the channel', () => {
      sut
        .given([])
        .when(receive({ type: 'access', channel: 'email', note: '  by letter  ' }))
        .then([
          {
            type: 'PrivacyRequestReceived',
            data: {
              ...ref,
              type: 'access',
              regime: 'PIPL',
              receivedAt: NOW,
              dueAt: '2026-03-25T09:00:00.000Z',
              actorId: 'dpo',
              channel: 'email',
              note: 'by letter',
            },
          },
        ]);
    });

    it('refuses an unknown type, regime or channel, and an over-long note', () => {
      sut
        .given([])
        .when(receive({ type: 'deletion' }))
        .thenThrows('PRIVACY.FIELD_INVALID');
      sut
        .given([])
        .when(receive({ regime: 'CCPA' }))
        .thenThrows('PRIVACY.FIELD_INVALID');
      sut
        .given([])
        .when(receive({ channel: 'a b' }))
        .thenThrows('PRIVACY.FIELD_INVALID');
      sut
        .given([])
        .when(receive({ note: 'x'.repeat(2001) }))
        .thenThrows('PRIVACY.FIELD_INVALID');
    });

    it('refuses a request id that exists', () => {
      sut.given([received()]).when(receive()).thenThrows('PRIVACY.REQUEST_EXISTS');
    });
  });

  describe('VerifyPrivacyRequest', () => {
    it('verifies a received request', () => {
      sut.given([received()]).when(verify).then([verified]);
    });

    it('refuses an unknown request, and one that is not received', () => {
      sut.given([]).when(verify).thenThrows('PRIVACY.REQUEST_NOT_FOUND');
      sut.given([received(), verified]).when(verify).thenThrows('PRIVACY.INVALID_TRANSITION');
    });
  });

  describe('StartPrivacyRequest', () => {
    it('starts a verified request', () => {
      sut.given([received(), verified]).when(start).then([started]);
    });

    it('is a no-op when the request is in progress already (an executor may retry)', () => {
      sut.given([received(), verified, started]).when(start).then([]);
    });

    it('refuses a request that is not verified', () => {
      sut.given([received()]).when(start).thenThrows('PRIVACY.INVALID_TRANSITION');
      sut.given([received(), rejected]).when(start).thenThrows('PRIVACY.INVALID_TRANSITION');
    });
  });

  describe('ExtendPrivacyRequest', () => {
    it('adds 15 days under PIPL, with the reason', () => {
      sut
        .given([received()])
        .when(extend(' complex '))
        .then([
          {
            type: 'PrivacyRequestExtended',
            data: { ...ref, reason: 'complex', dueAt: '2026-04-09T09:00:00.000Z', extendedAt: NOW },
          },
        ]);
    });

    it('adds two months under GDPR', () => {
      sut
        .given([received('GDPR'), verified, started])
        .when(extend('many requests'))
        .then([
          {
            type: 'PrivacyRequestExtended',
            data: {
              ...ref,
              reason: 'many requests',
              dueAt: '2026-06-10T09:00:00.000Z',
              extendedAt: NOW,
            },
          },
        ]);
    });

    it('refuses a second extension, an empty reason and a closed request', () => {
      sut.given([received(), extended]).when(extend()).thenThrows('PRIVACY.ALREADY_EXTENDED');
      sut.given([received()]).when(extend('  ')).thenThrows('PRIVACY.REASON_REQUIRED');
      sut
        .given([received(), verified, started, completed])
        .when(extend())
        .thenThrows('PRIVACY.INVALID_TRANSITION');
    });
  });

  describe('DeferPrivacyRequest', () => {
    it('defers a verified or in-progress erasure under its holds', () => {
      sut
        .given([received(), verified])
        .when(defer(['h-1', 'h-1']))
        .then([deferred]);
      sut.given([received(), verified, started]).when(defer()).then([deferred]);
    });

    it('refuses without a hold, from received, twice, and for other request types', () => {
      sut.given([received(), verified]).when(defer([])).thenThrows('PRIVACY.NO_ACTIVE_HOLD');
      sut.given([received()]).when(defer()).thenThrows('PRIVACY.INVALID_TRANSITION');
      sut
        .given([received(), verified, deferred])
        .when(defer())
        .thenThrows('PRIVACY.INVALID_TRANSITION');
      sut
        .given([received('PIPL', 'access'), verified])
        .when(defer())
        .thenThrows('PRIVACY.INVALID_TRANSITION');
    });
  });

  describe('ResumePrivacyRequest', () => {
    it('goes back to the state it was deferred from', () => {
      sut
        .given([received(), verified, deferred])
        .when(resume)
        .then([
          {
            type: 'PrivacyRequestResumed',
            data: { ...ref, state: 'verified', resumedAt: LATER },
          },
        ]);
      sut
        .given([received(), verified, started, deferred])
        .when(resume)
        .then([
          {
            type: 'PrivacyRequestResumed',
            data: { ...ref, state: 'in_progress', resumedAt: LATER },
          },
        ]);
    });

    it('refuses a request that is not deferred', () => {
      sut.given([received(), verified]).when(resume).thenThrows('PRIVACY.INVALID_TRANSITION');
    });

    it('lets a resumed request be completed again', () => {
      const resumed: PrivacyRequestEvent = {
        type: 'PrivacyRequestResumed',
        data: { ...ref, state: 'in_progress', resumedAt: LATER },
      };
      sut
        .given([received(), verified, started, deferred, resumed])
        .when(complete())
        .then([completed]);
    });
  });

  describe('RejectPrivacyRequest', () => {
    it('rejects from received, verified or in progress, with the reason', () => {
      sut.given([received()]).when(reject()).then([rejected]);
      sut.given([received(), verified]).when(reject()).then([rejected]);
      sut.given([received(), verified, started]).when(reject()).then([rejected]);
    });

    it('requires a reason', () => {
      sut.given([received()]).when(reject('')).thenThrows('PRIVACY.REASON_REQUIRED');
    });

    it('refuses a deferred, completed or rejected request', () => {
      sut
        .given([received(), verified, deferred])
        .when(reject())
        .thenThrows('PRIVACY.INVALID_TRANSITION');
      sut
        .given([received(), verified, started, completed])
        .when(reject())
        .thenThrows('PRIVACY.INVALID_TRANSITION');
      sut.given([received(), rejected]).when(reject()).thenThrows('PRIVACY.INVALID_TRANSITION');
    });
  });

  describe('CompletePrivacyRequest', () => {
    it('completes a request in progress with the ids of its outcome', () => {
      sut.given([received(), verified, started]).when(complete()).then([completed]);
    });

    it('refuses a request that is not in progress', () => {
      sut.given([received(), verified]).when(complete()).thenThrows('PRIVACY.INVALID_TRANSITION');
      sut
        .given([received(), verified, started, deferred])
        .when(complete())
        .thenThrows('PRIVACY.INVALID_TRANSITION');
    });

    it('refuses an outcome that is not a small record of ids', () => {
      sut
        .given([received(), verified, started])
        .when(complete({ note: 'Zhang San asked by phone' }))
        .thenThrows('PRIVACY.FIELD_INVALID');
      sut
        .given([received(), verified, started])
        .when(complete({ position: 1.5 }))
        .thenThrows('PRIVACY.FIELD_INVALID');
    });
  });

  it('names the field, never the value, in its errors', () => {
    const decider = createPrivacyRequestDecider();
    const state = [received(), verified, started].reduce(decider.evolve, decider.initialState());
    let thrown: unknown;
    try {
      decider.decide(complete({ x: 'secret value here' }), state);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({ code: 'PRIVACY.FIELD_INVALID', field: 'outcome' });
    expect((thrown as Error).message).not.toContain('secret');
  });
});

describe(isOverdue.name, () => {
  const due = '2026-03-25T09:00:00.000Z';

  it('is overdue when open and past the due date, never when closed', () => {
    expect(isOverdue({ state: 'verified', dueAt: due }, new Date('2026-03-26T00:00:00Z'))).toBe(
      true,
    );
    expect(isOverdue({ state: 'verified', dueAt: due }, new Date('2026-03-24T00:00:00Z'))).toBe(
      false,
    );
    expect(isOverdue({ state: 'completed', dueAt: due }, new Date('2026-04-01T00:00:00Z'))).toBe(
      false,
    );
    expect(isOverdue({ state: 'rejected', dueAt: due }, new Date('2026-04-01T00:00:00Z'))).toBe(
      false,
    );
  });
});
