import type { RecordedEvent } from '@custodia/event-store';
import type { LoadRecord } from './load';

export type LogFindings = {
  readonly customersFound: number;
  readonly followUpsFound: number;
  /** Acknowledged ids that are not in the log once (missing or doubled), with their count. */
  readonly notExactlyOnce: { id: string; kind: string; count: number }[];
  /** Reads that returned data without a CustomerDataAccessed of their request id. */
  readonly readsWithoutAccessEvent: string[];
  readonly events: number;
};

const countBy = (
  events: readonly RecordedEvent[],
  type: string,
  key: string,
): Map<string, number> => {
  const counts = new Map<string, number>();
  for (const event of events) {
    if (event.type !== type) continue;
    const value = event.data[key];
    if (typeof value === 'string') counts.set(value, (counts.get(value) ?? 0) + 1);
  }
  return counts;
};

/** What the log says about every acknowledged command and every read that returned data. */
export const checkLog = (log: readonly RecordedEvent[], record: LoadRecord): LogFindings => {
  const registered = countBy(log, 'CustomerRegistered', 'customerId');
  const logged = countBy(log, 'FollowUpLogged', 'followUpId');
  const accessed = new Set(
    log
      .filter((event) => event.type === 'CustomerDataAccessed')
      .map((event) => (event.data as { requestId?: unknown }).requestId),
  );
  const notExactlyOnce = [
    ...record.customers.map(({ id }) => ({ id, kind: 'customer', count: registered.get(id) ?? 0 })),
    ...record.followUps.map(({ id }) => ({ id, kind: 'follow-up', count: logged.get(id) ?? 0 })),
  ].filter(({ count }) => count !== 1);
  return {
    customersFound: record.customers.filter(({ id }) => registered.get(id) === 1).length,
    followUpsFound: record.followUps.filter(({ id }) => logged.get(id) === 1).length,
    notExactlyOnce,
    readsWithoutAccessEvent: record.dataReads
      .map(({ requestId }) => requestId)
      .filter((requestId) => !accessed.has(requestId)),
    events: log.length,
  };
};
