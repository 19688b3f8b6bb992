import { Registry } from 'prom-client';
import { projectionMetrics } from './projection-metrics';

describe(projectionMetrics.name, () => {
  it('lets several runners share one registry and reports only lock holders', async () => {
    const registry = new Registry();
    const first = projectionMetrics(registry);
    const second = projectionMetrics(registry); // would throw "already registered" if re-created
    first.addSource(() => [{ projection: 'ledger', holdingLock: true, lagSeconds: 4.5 }]);
    const removeSecond = second.addSource(() => [
      { projection: 'ledger', holdingLock: false, lagSeconds: 99 },
      { projection: 'stream-summary', holdingLock: true, lagSeconds: 0 },
    ]);
    first.eventsApplied('ledger', 3);
    second.eventsApplied('ledger', 2);
    second.failed('stream-summary');

    const text = await registry.metrics();
    expect(text).toContain('custodia_projection_lag_seconds{projection="ledger"} 4.5');
    expect(text).toContain('custodia_projection_lag_seconds{projection="stream-summary"} 0');
    expect(text).not.toContain(' 99');
    expect(text).toContain('custodia_projection_events_applied_total{projection="ledger"} 5');
    expect(text).toContain('custodia_projection_failures_total{projection="stream-summary"} 1');
    expect(text).toContain('custodia_projection_active{projection="ledger"} 1');

    removeSecond();
    const after = await registry.metrics();
    expect(after).not.toContain('custodia_projection_active{projection="stream-summary"}');
  });

  it('registers nothing on the global registry', async () => {
    const { register } = await import('prom-client');
    projectionMetrics(new Registry());
    expect(register.getSingleMetric('custodia_projection_lag_seconds')).toBeUndefined();
  });
});
