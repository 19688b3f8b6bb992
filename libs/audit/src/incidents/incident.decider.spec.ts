import { deciderSpec } from '@custodia/testing';
import type { IncidentCommand, IncidentCommandMetadata } from './incident.commands';
import type { IncidentEvent, IncidentScope } from './incident.events';
import { incidentDecider, isNotificationOverdue, notificationDeadlines } from './incident.decider';

const NOW = '2026-03-10T09:00:00.000Z';
const metadata: IncidentCommandMetadata = { actorId: 'dpo', now: NOW };
const WINDOW = { from: '2026-03-09T00:00:00.000Z', to: '2026-03-10T00:00:00.000Z' };
const C1 = '0190a8f2-0000-7000-8000-000000000001';

const scope: IncidentScope = {
  window: WINDOW,
  suspectedActorId: 'rep.east',
  computedAt: NOW,
  complete: true,
  customerCount: 1,
  customers: [{ customerId: C1, clear: ['phone'], masked: ['name'], actorIds: ['rep.east'] }],
  customersTruncated: false,
  fields: [],
  actors: [],
  exports: [],
};

const openWith = (
  data: Partial<{
    description: string;
    window: { from: string; to: string };
    suspectedActorId: string;
    awareAt: string;
  }> = {},
): IncidentCommand => ({
  type: 'OpenIncident',
  data: {
    incidentId: 'i-1',
    description: 'Laptop of a sales rep lost on the metro',
    window: WINDOW,
    suspectedActorId: 'rep.east',
    scope,
    ...data,
  },
  metadata,
});

const opened: IncidentEvent = {
  type: 'IncidentOpened',
  data: {
    incidentId: 'i-1',
    description: 'Laptop of a sales rep lost on the metro',
    window: WINDOW,
    suspectedActorId: 'rep.east',
    awareAt: NOW,
    openedAt: NOW,
    actorId: 'dpo',
    deadlines: notificationDeadlines(NOW),
    scope,
  },
};
const contained: IncidentEvent = {
  type: 'IncidentContained',
  data: { incidentId: 'i-1', actorId: 'dpo', containedAt: NOW },
};
const notified: IncidentEvent = {
  type: 'IncidentNotified',
  data: { incidentId: 'i-1', actorId: 'dpo', notifiedAt: NOW },
};
const closed: IncidentEvent = {
  type: 'IncidentClosed',
  data: { incidentId: 'i-1', actorId: 'dpo', closedAt: NOW },
};

const to = (status: string, note?: string): IncidentCommand => ({
  type: 'ChangeIncidentStatus',
  data: { incidentId: 'i-1', status, ...(note === undefined ? {} : { note }) },
  metadata,
});

const sut = deciderSpec(incidentDecider);

describe('incidentDecider', () => {
  describe('OpenIncident', () => {
    it('records the window, the scope as given and both deadlines', () => {
      sut.given([]).when(openWith()).then([opened]);
    });

    it('sets the GDPR deadline 72 hours after awareness and the PIPL one at awareness', () => {
      const awareAt = '2026-03-09T12:00:00.000Z';
      expect(notificationDeadlines(awareAt).map((d) => [d.regime, d.dueAt])).toEqual([
        ['GDPR', '2026-03-12T12:00:00.000Z'],
        ['PIPL', awareAt],
      ]);
      const [event] = incidentDecider.decide(openWith({ awareAt }), null);
      expect(event?.type === 'IncidentOpened' && event.data.awareAt).toBe(awareAt);
    });

    it('normalises times to UTC and leaves out an absent suspected actor', () => {
      const command = openWith({ window: { from: '2026-03-09T08:00:00+08:00', to: WINDOW.to } });
      const { suspectedActorId: _dropped, ...data } = (command as { data: object }).data as {
        suspectedActorId?: string;
      };
      const [event] = incidentDecider.decide({ ...command, data } as IncidentCommand, null);
      expect(event?.data).toMatchObject({ window: { from: '2026-03-09T00:00:00.000Z' } });
      expect(event?.data).not.toHaveProperty('suspectedActorId');
    });

    it.each([
      ['window.to', { window: { from: WINDOW.to, to: WINDOW.from } }],
      ['window.from', { window: { from: 'yesterday', to: WINDOW.to } }],
      ['window.to', { window: { from: WINDOW.from, to: '2026-03-11T00:00:00.000Z' } }],
      ['window.to', { window: { from: '2025-01-01T00:00:00.000Z', to: WINDOW.to } }],
      ['awareAt', { awareAt: '2026-03-08T00:00:00.000Z' }],
      ['suspectedActor', { suspectedActorId: 'rep east' }],
      ['description', { description: 'customer 13800138000 was exported' }],
      ['description', { description: 'sent to wang@example.com' }],
      ['description', { description: 'ID 11010519491231002X leaked' }],
    ])('refuses a bad %s', (field, data) => {
      let thrown: unknown;
      try {
        incidentDecider.decide(openWith(data), null);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toMatchObject({ code: 'INCIDENT.FIELD_INVALID', field });
    });

    it('requires a description', () => {
      sut
        .given([])
        .when(openWith({ description: '  ' }))
        .thenThrows('INCIDENT.REASON_REQUIRED');
    });

    it('opens an incident once', () => {
      sut.given([opened]).when(openWith()).thenThrows('INCIDENT.EXISTS');
    });
  });

  describe('ChangeIncidentStatus', () => {
    it('moves open → contained → notified → closed without notes', () => {
      sut.given([opened]).when(to('contained')).then([contained]);
      sut.given([opened, contained]).when(to('notified')).then([notified]);
      sut.given([opened, contained, notified]).when(to('closed')).then([closed]);
    });

    it('keeps an optional note on a step', () => {
      sut
        .given([opened])
        .when(to('contained', ' token revoked '))
        .then([{ ...contained, data: { ...contained.data, note: 'token revoked' } }]);
    });

    it('skips a status only with a note saying why', () => {
      sut.given([opened]).when(to('notified')).thenThrows('INCIDENT.REASON_REQUIRED');
      sut.given([opened]).when(to('closed')).thenThrows('INCIDENT.REASON_REQUIRED');
      sut.given([opened, contained]).when(to('closed')).thenThrows('INCIDENT.REASON_REQUIRED');
      sut
        .given([opened])
        .when(to('closed', 'false alarm: the reads were the rep’s own customers'))
        .then([
          {
            ...closed,
            data: { ...closed.data, note: 'false alarm: the reads were the rep’s own customers' },
          },
        ]);
    });

    it.each([
      ['open', [opened]],
      ['contained', [opened, contained]],
      ['open', [opened, contained]],
      ['contained', [opened, contained, notified]],
      ['notified', [opened, contained, notified, closed]],
      ['closed', [opened, contained, notified, closed]],
    ] as const)('never goes back or stays: → %s', (status, history) => {
      sut.given(history).when(to(status, 'why not')).thenThrows('INCIDENT.INVALID_TRANSITION');
    });

    it('refuses an unknown status, an unknown incident and a note with a personal value', () => {
      sut.given([opened]).when(to('resolved')).thenThrows('INCIDENT.FIELD_INVALID');
      sut.given([]).when(to('contained')).thenThrows('INCIDENT.NOT_FOUND');
      sut
        .given([opened])
        .when(to('contained', 'called 13800138000'))
        .thenThrows('INCIDENT.FIELD_INVALID');
    });
  });

  describe(isNotificationOverdue.name, () => {
    const [gdpr, pipl] = notificationDeadlines(NOW);
    const later = new Date(Date.parse(NOW) + 73 * 3_600_000);
    it('is overdue past the deadline until notified (PIPL: from awareness on)', () => {
      expect(isNotificationOverdue({ status: 'open' }, gdpr, new Date(NOW))).toBe(false);
      expect(isNotificationOverdue({ status: 'contained' }, gdpr, later)).toBe(true);
      expect(isNotificationOverdue({ status: 'open' }, pipl, new Date(Date.parse(NOW) + 1))).toBe(
        true,
      );
      expect(isNotificationOverdue({ status: 'notified' }, gdpr, later)).toBe(false);
      expect(isNotificationOverdue({ status: 'closed' }, pipl, later)).toBe(false);
    });
  });
});
