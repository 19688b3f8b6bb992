import { Counter, Gauge, type Registry } from 'prom-client';

/** What a runner reports at scrape time for each projection it knows. */
export type ProjectionGaugeSample = {
  readonly projection: string;
  readonly holdingLock: boolean;
  readonly lagSeconds: number;
};

export type ProjectionMetrics = {
  eventsApplied(projection: string, count: number): void;
  failed(projection: string): void;
  /** Adds a runner's samples to the gauges; returns the function that removes them again. */
  addSource(source: () => readonly ProjectionGaugeSample[]): () => void;
};

type Shared = {
  readonly applied: Counter<'projection'>;
  readonly failures: Counter<'projection'>;
  readonly sources: Set<() => readonly ProjectionGaugeSample[]>;
};

// Metrics are created once per registry: several runners (tests, or the API and an embedded
// projector) may share one without prom-client's "already registered" error.
const byRegistry = new WeakMap<Registry, Shared>();

const register = (registry: Registry): Shared => {
  const sources = new Set<() => readonly ProjectionGaugeSample[]>();
  const samples = (): ProjectionGaugeSample[] =>
    [...sources].flatMap((source) => source()).filter((sample) => sample.holdingLock);
  new Gauge({
    name: 'custodia_projection_lag_seconds',
    help: 'Age of the oldest event not yet applied by the projection; 0 when caught up',
    labelNames: ['projection'],
    registers: [registry],
    collect(this: Gauge<'projection'>) {
      this.reset();
      for (const { projection, lagSeconds } of samples()) this.set({ projection }, lagSeconds);
    },
  });
  new Gauge({
    name: 'custodia_projection_active',
    help: '1 for each projection this process runs (holds its advisory lock)',
    labelNames: ['projection'],
    registers: [registry],
    collect(this: Gauge<'projection'>) {
      this.reset();
      for (const { projection } of samples()) this.set({ projection }, 1);
    },
  });
  return {
    sources,
    applied: new Counter({
      name: 'custodia_projection_events_applied_total',
      help: 'Events applied to read models (committed batches only)',
      labelNames: ['projection'],
      registers: [registry],
    }),
    failures: new Counter({
      name: 'custodia_projection_failures_total',
      help: 'Batches rolled back because applying an event or storing the checkpoint failed',
      labelNames: ['projection'],
      registers: [registry],
    }),
  };
};

export const projectionMetrics = (registry: Registry): ProjectionMetrics => {
  let shared = byRegistry.get(registry);
  if (!shared) {
    shared = register(registry);
    byRegistry.set(registry, shared);
  }
  const { applied, failures, sources } = shared;
  return {
    eventsApplied: (projection, count) => applied.inc({ projection }, count),
    failed: (projection) => failures.inc({ projection }),
    addSource: (source) => {
      sources.add(source);
      return () => sources.delete(source);
    },
  };
};

/** For a runner built without a registry. */
export const noProjectionMetrics: ProjectionMetrics = {
  eventsApplied: () => undefined,
  failed: () => undefined,
  addSource: () => () => undefined,
};
