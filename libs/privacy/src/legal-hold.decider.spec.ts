import { deciderSpec } from '@custodia/testing';
import type { LegalHoldCommand, PrivacyCommandMetadata } from './privacy.commands';
import type { LegalHoldEvent } from './privacy.events';
import { activeHolds, legalHoldDecider } from './legal-hold.decider';
import { fold } from '@custodia/platform';

const NOW = '2026-03-10T09:00:00.000Z';
const UNTIL = '2026-06-30T00:00:00.000Z';
const metadata: PrivacyCommandMetadata = { actorId: 'dpo', now: NOW };

const placed = (holdId = 'h-1', until?: string): LegalHoldEvent => ({
  type: 'LegalHoldPlaced',
  data: {
    holdId,
    customerId: 'c-1',
    reason: 'pending lawsuit',
    basis: 'litigation',
    ...(until === undefined ? {} : { until }),
    placedAt: NOW,
    actorId: 'dpo',
  },
});
const lifted = (holdId = 'h-1'): LegalHoldEvent => ({
  type: 'LegalHoldLifted',
  data: { holdId, customerId: 'c-1', liftedAt: NOW, actorId: 'dpo' },
});

const place = (
  data: Partial<{ holdId: string; reason: string; basis: string; until: string }> = {},
): LegalHoldCommand => ({
  type: 'PlaceLegalHold',
  data: {
    customerId: 'c-1',
    holdId: 'h-1',
    reason: ' pending lawsuit ',
    basis: 'litigation',
    ...data,
  },
  metadata,
});
const lift = (holdId = 'h-1'): LegalHoldCommand => ({
  type: 'LiftLegalHold',
  data: { customerId: 'c-1', holdId },
  metadata,
});

describe('legalHoldDecider', () => {
  const sut = deciderSpec(legalHoldDecider);

  describe('PlaceLegalHold', () => {
    it('places a hold with its reason, basis and optional expiry', () => {
      sut.given([]).when(place()).then([placed()]);
      sut
        .given([placed()])
        .when(place({ holdId: 'h-2', until: '2026-06-30T08:00:00+08:00' }))
        .then([placed('h-2', UNTIL)]);
    });

    it('accepts a short citation as basis', () => {
      sut
        .given([])
        .when(place({ basis: 'GDPR art. 17(3)(e)' }))
        .then([
          { ...placed(), data: { ...placed().data, basis: 'GDPR art. 17(3)(e)' } },
        ] as LegalHoldEvent[]);
    });

    it('refuses a missing reason, a bad basis, a past expiry and an existing hold id', () => {
      sut
        .given([])
        .when(place({ reason: ' ' }))
        .thenThrows('PRIVACY.REASON_REQUIRED');
      sut
        .given([])
        .when(place({ basis: '张三的诉讼' }))
        .thenThrows('PRIVACY.FIELD_INVALID');
      sut
        .given([])
        .when(place({ until: '2026-03-01T00:00:00Z' }))
        .thenThrows('PRIVACY.FIELD_INVALID');
      sut
        .given([])
        .when(place({ until: 'soon' }))
        .thenThrows('PRIVACY.FIELD_INVALID');
      sut.given([placed()]).when(place()).thenThrows('PRIVACY.HOLD_EXISTS');
    });
  });

  describe('LiftLegalHold', () => {
    it('lifts a placed hold', () => {
      sut.given([placed()]).when(lift()).then([lifted()]);
    });

    it('changes nothing when lifted already', () => {
      sut.given([placed(), lifted()]).when(lift()).then([]);
    });

    it('refuses an unknown hold', () => {
      sut.given([placed()]).when(lift('h-9')).thenThrows('PRIVACY.HOLD_NOT_FOUND');
    });
  });
});

describe(activeHolds.name, () => {
  const state = fold(legalHoldDecider, [
    placed('h-1'),
    placed('h-2', UNTIL),
    placed('h-3'),
    lifted('h-3'),
  ]);

  it('keeps holds neither lifted nor expired', () => {
    const ids = (now: string) => activeHolds(state, new Date(now)).map((hold) => hold.holdId);
    expect(ids('2026-04-01T00:00:00Z')).toEqual(['h-1', 'h-2']);
    expect(ids(UNTIL)).toEqual(['h-1']);
    expect(activeHolds(fold(legalHoldDecider, []), new Date(NOW))).toEqual([]);
  });
});
