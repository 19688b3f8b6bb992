import { collectDefaultMetrics, Registry } from 'prom-client';

/** The one Prometheus registry of a process: default Node metrics plus whatever modules add. */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

export const createMetricsRegistry = (): Registry => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
};
