import type { AccessEvent } from '../access.events';
import { accessed, denied, exported, revealed } from './access-event.fixtures';
import { alertEventId } from './alert.events';
import {
  type AnomalyOptions,
  type AnomalyState,
  type DetectedAlert,
  defaultAnomalyOptions,
  detectAnomalies,
  initialAnomalyState,
} from './anomaly-detection';

// Asia/Shanghai is UTC+8 all year: local 2026-11-30 runs from 2026-11-29T16:00Z to 2026-11-30T16:00Z,
// working hours 08:00-20:00 local are 00:00Z-12:00Z.

/** Feeds events in order, numbering their ids, and answers every alert raised. */
const run = (
  events: readonly AccessEvent[],
  options: AnomalyOptions = defaultAnomalyOptions,
  state: AnomalyState = initialAnomalyState(),
): { alerts: DetectedAlert[]; state: AnomalyState } => {
  const alerts: DetectedAlert[] = [];
  events.forEach((event, index) => {
    const result = detectAnomalies(state, { ...event, id: `event-${index}` }, options);
    state = result.state;
    alerts.push(...result.alerts);
  });
  return { alerts, state };
};

const times = (count: number, make: (index: number) => AccessEvent): AccessEvent[] =>
  Array.from({ length: count }, (_, index) => make(index));

const minute = (index: number) => String(index % 60).padStart(2, '0');

describe(detectAnomalies.name, () => {
  describe('bulk export (rows per actor per local day, default over 500)', () => {
    it('stays quiet at the threshold', () => {
      const { alerts } = run([
        exported('2026-11-30T02:00:00.000Z', 300),
        exported('2026-11-30T03:00:00.000Z', 200),
      ]);
      expect(alerts).toEqual([]);
    });

    it('alerts once when the day goes over, with the day in Shanghai as the window', () => {
      const { alerts } = run([
        exported('2026-11-30T02:00:00.000Z', 300),
        exported('2026-11-30T03:00:00.000Z', 201),
        exported('2026-11-30T04:00:00.000Z', 1000),
      ]);
      expect(alerts).toEqual([
        {
          id: alertEventId('bulk-export', 'user-1', '2026-11-29T16:00:00.000Z'),
          type: 'AccessAnomalyDetected',
          data: {
            rule: 'bulk-export',
            actorId: 'user-1',
            windowStart: '2026-11-29T16:00:00.000Z',
            windowEnd: '2026-11-30T16:00:00.000Z',
            count: 501,
            threshold: 500,
            detectedAt: '2026-11-30T03:00:00.000Z',
            sourceEventIds: ['event-0', 'event-1'],
            underNotice: false,
          },
        },
      ]);
    });

    it('starts a new day at local midnight (16:00Z) and counts each actor apart', () => {
      const { alerts } = run([
        exported('2026-11-30T15:59:59.000Z', 400),
        exported('2026-11-30T16:00:00.000Z', 400),
        exported('2026-11-30T17:00:00.000Z', 400, { actorId: 'user-2' }),
      ]);
      expect(alerts).toEqual([]);

      const next = run([
        exported('2026-11-30T16:00:00.000Z', 400),
        exported('2026-12-01T15:59:59.000Z', 101),
      ]);
      expect(next.alerts.map((alert) => alert.data.windowStart)).toEqual([
        '2026-11-30T16:00:00.000Z',
      ]);
    });
  });

  describe('many reveals (per actor per local hour, default over 20)', () => {
    it('stays quiet at 20 in one hour', () => {
      expect(run(times(20, (i) => revealed(`2026-11-30T02:${minute(i)}:00.000Z`))).alerts).toEqual(
        [],
      );
    });

    it('alerts on the 21st in the hour, once, naming the latest sources', () => {
      const { alerts } = run(times(30, (i) => revealed(`2026-11-30T02:${minute(i)}:00.000Z`)));
      expect(alerts).toHaveLength(1);
      expect(alerts[0].data).toMatchObject({
        rule: 'many-reveals',
        windowStart: '2026-11-30T02:00:00.000Z',
        windowEnd: '2026-11-30T03:00:00.000Z',
        count: 21,
        threshold: 20,
        detectedAt: '2026-11-30T02:20:00.000Z',
      });
      expect(alerts[0].data.sourceEventIds).toHaveLength(10);
      expect(alerts[0].data.sourceEventIds.at(-1)).toBe('event-20');
    });

    it('rolls over at the hour: 15 before and 15 after raise nothing', () => {
      const before = times(15, (i) => revealed(`2026-11-30T02:${String(45 + i)}:00.000Z`));
      const after = times(15, (i) => revealed(`2026-11-30T03:${minute(i)}:00.000Z`));
      expect(run([...before, ...after]).alerts).toEqual([]);
    });

    it('follows the configured threshold', () => {
      const options = { ...defaultAnomalyOptions, revealsPerHour: 2 };
      const { alerts } = run(
        times(3, (i) => revealed(`2026-11-30T02:0${i}:00.000Z`)),
        options,
      );
      expect(alerts.map((alert) => [alert.data.count, alert.data.threshold])).toEqual([[3, 2]]);
    });
  });

  describe('off-hours mass viewing (customers per actor per hour, 20:00-08:00 Shanghai, over 50)', () => {
    it('alerts when the viewing happens at night in Shanghai', () => {
      // 13:30Z is 21:30 in Shanghai.
      const { alerts } = run([
        accessed('2026-11-30T13:30:00.000Z', 30),
        accessed('2026-11-30T13:40:00.000Z', 21),
      ]);
      expect(alerts.map((alert) => alert.data)).toMatchObject([
        {
          rule: 'off-hours-mass-viewing',
          windowStart: '2026-11-30T13:00:00.000Z',
          count: 51,
          threshold: 50,
        },
      ]);
    });

    it('ignores the same viewing in working hours (13:30 in Shanghai is 05:30Z)', () => {
      expect(run([accessed('2026-11-30T05:30:00.000Z', 200)]).alerts).toEqual([]);
    });

    it('stays quiet at 50 customers in an off-hours hour', () => {
      expect(
        run([accessed('2026-11-30T13:30:00.000Z', 25), accessed('2026-11-30T13:40:00.000Z', 25)])
          .alerts,
      ).toEqual([]);
    });

    it('treats 07:59 as off hours and 08:00 and 19:59 as working hours, 20:00 as off', () => {
      const at = (iso: string) => run([accessed(iso, 51)]).alerts.length;
      expect(at('2026-11-29T23:59:00.000Z')).toBe(1); // 07:59
      expect(at('2026-11-30T00:00:00.000Z')).toBe(0); // 08:00
      expect(at('2026-11-30T11:59:00.000Z')).toBe(0); // 19:59
      expect(at('2026-11-30T12:00:00.000Z')).toBe(1); // 20:00
    });

    it('does not add working-hours viewing to the night count, and rolls over per hour', () => {
      const { alerts } = run([
        accessed('2026-11-30T11:59:00.000Z', 40), // 19:59, working hours
        accessed('2026-11-30T12:10:00.000Z', 40), // 20:10
        accessed('2026-11-30T13:05:00.000Z', 40), // 21:05, next hour
      ]);
      expect(alerts).toEqual([]);
    });
  });

  describe('access under notice (any access, once per actor per local day)', () => {
    it('alerts on the first access of the day and not again that day', () => {
      const { alerts } = run([
        accessed('2026-11-30T02:00:00.000Z', 1, { underNotice: true }),
        revealed('2026-11-30T03:00:00.000Z', { underNotice: true }),
        denied('2026-11-30T04:00:00.000Z', { underNotice: true }),
      ]);
      expect(alerts.map((alert) => alert.data)).toEqual([
        {
          rule: 'access-under-notice',
          actorId: 'user-1',
          windowStart: '2026-11-29T16:00:00.000Z',
          windowEnd: '2026-11-30T16:00:00.000Z',
          count: 1,
          threshold: 0,
          detectedAt: '2026-11-30T02:00:00.000Z',
          sourceEventIds: ['event-0'],
          underNotice: true,
        },
      ]);
    });

    it('counts refused accesses too, and alerts again the next local day', () => {
      const { alerts } = run([
        denied('2026-11-30T15:00:00.000Z', { underNotice: true }),
        denied('2026-11-30T16:30:00.000Z', { underNotice: true }),
      ]);
      expect(alerts.map((alert) => alert.data.windowStart)).toEqual([
        '2026-11-29T16:00:00.000Z',
        '2026-11-30T16:00:00.000Z',
      ]);
    });

    it('says nothing of actors not under notice', () => {
      expect(
        run([denied('2026-11-30T15:00:00.000Z'), revealed('2026-11-30T15:00:00.000Z')]).alerts,
      ).toEqual([]);
    });

    it('raises the notice alert next to another rule from the same event', () => {
      const { alerts } = run([exported('2026-11-30T02:00:00.000Z', 600, { underNotice: true })]);
      expect(alerts.map((alert) => [alert.data.rule, alert.data.underNotice])).toEqual([
        ['access-under-notice', true],
        ['bulk-export', true],
      ]);
    });
  });

  describe('state', () => {
    it('gives the same alerts with the same ids on a replay of the same events', () => {
      const events = [
        ...times(25, (i) => revealed(`2026-11-30T02:${minute(i)}:00.000Z`)),
        accessed('2026-11-30T13:30:00.000Z', 60, { underNotice: true }),
      ];
      const first = run(events);
      const replay = run(events);
      expect(replay.alerts).toEqual(first.alerts);
      expect(new Set(first.alerts.map((alert) => alert.id)).size).toBe(3);
    });

    it('survives a JSON round trip (it is stored as jsonb) and keeps counting', () => {
      const half = run(times(15, (i) => revealed(`2026-11-30T02:${minute(i)}:00.000Z`)));
      const stored = JSON.parse(JSON.stringify(half.state)) as AnomalyState;
      const rest = run(
        times(10, (i) => revealed(`2026-11-30T02:${String(30 + i)}:00.000Z`)),
        defaultAnomalyOptions,
        stored,
      );
      expect(rest.alerts.map((alert) => alert.data.count)).toEqual([21]);
    });

    it('drops counters a day after their window ended', () => {
      const { state } = run([
        revealed('2026-11-28T02:00:00.000Z'),
        exported('2026-11-28T02:00:00.000Z', 10),
        revealed('2026-11-30T02:00:00.000Z'),
      ]);
      expect(Object.values(state.windows).map((counter) => counter.windowStart)).toEqual([
        '2026-11-30T02:00:00.000Z',
      ]);
    });

    it('ignores an event whose time cannot be read', () => {
      const state = initialAnomalyState();
      const result = detectAnomalies(state, {
        ...accessed('not a time', 100, { underNotice: true }),
        id: 'event-0',
      });
      expect(result).toEqual({ state, alerts: [] });
    });
  });
});
