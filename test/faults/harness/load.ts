import type { CustodiaProcess } from './processes';

/** Every client request gives up after this long; one that would have hung is counted. */
export const REQUEST_TIMEOUT_MS = Number(process.env.FAULTS_REQUEST_TIMEOUT_MS ?? 10_000);

const PROBLEM = /^application\/problem\+json/;
const FOLLOWUP = { purpose: 'sales_followup', noticeVersion: 'general-2025-06', channel: 'web' };

/** Deterministic PRNG (mulberry32): the same seed gives the same fault schedule and mix. */
export const seededRandom = (seed: number): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

export type Rep = { readonly id: string; readonly token: string };

export type LoadRecord = {
  /** Commands sent (whatever came back). */
  issued: number;
  /** Customer ids the API acknowledged with 201. */
  customers: { id: string; rep: number }[];
  /** Follow-up ids the API acknowledged with 201. */
  followUps: { id: string; customerId: string }[];
  /** Request ids of reads that returned customer data (200 with a body). */
  dataReads: { requestId: string; customerId: string }[];
  reads: number;
  statuses: Map<string, number>;
  /** 503 answers, all problem+json (others land in `bad`). */
  unavailable: number;
  /** Connection refused or reset: the process was dead or died mid-request. */
  connectionErrors: number;
  /** Requests that did not finish within REQUEST_TIMEOUT_MS. */
  timeouts: number;
  /** Every 5xx but a problem+json 503, with its body: must stay empty. */
  bad: { status: number; contentType: string; body: string; route: string }[];
  slowestMs: number;
  /** Answers (any status) per API process name. */
  answeredBy: Record<string, number>;
};

export const emptyRecord = (): LoadRecord => ({
  issued: 0,
  customers: [],
  followUps: [],
  dataReads: [],
  reads: 0,
  statuses: new Map(),
  unavailable: 0,
  connectionErrors: 0,
  timeouts: 0,
  bad: [],
  slowestMs: 0,
  answeredBy: {},
});

type Answer = { status: number; json: unknown } | undefined;

/**
 * Workers that send a mix of commands (register a customer, log a follow-up) and reads (GET
 * /v1/customers/:id with X-Purpose and our own X-Request-Id) to the given APIs in turn, and
 * record what each answer proves. Dead APIs are tried like live ones: the client sees what a
 * client behind a load balancer without health checks would see.
 */
export class LoadGenerator {
  readonly record: LoadRecord = emptyRecord();
  private stopping = false;
  private workers: Promise<void>[] = [];
  private sequence = 0;

  constructor(
    private readonly apis: readonly CustodiaProcess[],
    private readonly reps: readonly Rep[],
    private readonly random: () => number,
    private readonly tag: string,
  ) {}

  start(concurrency: number): void {
    for (let i = 0; i < concurrency; i += 1) this.workers.push(this.worker());
  }

  async stop(): Promise<LoadRecord> {
    this.stopping = true;
    await Promise.all(this.workers);
    return this.record;
  }

  private async worker(): Promise<void> {
    while (!this.stopping) {
      const ok = await this.step();
      // A dead API refuses at once: do not spin on it.
      await new Promise((done) => setTimeout(done, ok ? 5 : 100));
    }
  }

  private async step(): Promise<boolean> {
    const n = this.sequence++;
    const api = this.apis[n % this.apis.length];
    const roll = this.random();
    const { customers } = this.record;
    const target =
      customers.length === 0 ? undefined : customers[Math.floor(this.random() * customers.length)];
    if (api === undefined) return false;
    if (roll < 0.3 || target === undefined) {
      const rep = Math.floor(this.random() * this.reps.length);
      this.record.issued += 1;
      const answer = await this.call(api, 'POST', '/v1/customers', rep, {
        name: '王小明',
        phone: `137${String(n % 1e8).padStart(8, '0')}`,
        consents: [FOLLOWUP],
      });
      const id = (answer?.json as { id?: unknown } | undefined)?.id;
      if (answer?.status === 201 && typeof id === 'string') customers.push({ id, rep });
      return answer !== undefined;
    }
    if (roll < 0.5) {
      this.record.issued += 1;
      const answer = await this.call(
        api,
        'POST',
        '/v1/customers/:id/follow-ups',
        target.rep,
        {
          purpose: 'sales_followup',
          channel: 'call',
          occurredAt: new Date().toISOString(),
          summary: `Fault call ${n}`,
        },
        target.id,
      );
      const id = (answer?.json as { id?: unknown } | undefined)?.id;
      if (answer?.status === 201 && typeof id === 'string') {
        this.record.followUps.push({ id, customerId: target.id });
      }
      return answer !== undefined;
    }
    const requestId = `${this.tag}-${n}`;
    this.record.reads += 1;
    const answer = await this.call(
      api,
      'GET',
      '/v1/customers/:id',
      target.rep,
      undefined,
      target.id,
      {
        'x-purpose': 'sales_followup',
        'x-request-id': requestId,
      },
    );
    const fields = (answer?.json as { fields?: unknown } | undefined)?.fields;
    if (answer?.status === 200 && fields !== undefined) {
      this.record.dataReads.push({ requestId, customerId: target.id });
    }
    return answer !== undefined;
  }

  private async call(
    api: CustodiaProcess,
    method: string,
    route: string,
    rep: number,
    body?: object,
    id?: string,
    headers: Record<string, string> = {},
  ): Promise<Answer> {
    const path = id === undefined ? route : route.replace(':id', id);
    const started = performance.now();
    try {
      const res = await fetch(`http://127.0.0.1:${api.port}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${this.reps[rep]?.token ?? ''}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          ...headers,
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      const text = await res.text();
      const contentType = res.headers.get('content-type') ?? '';
      const key = `${method} ${route} ${res.status}`;
      this.record.answeredBy[api.name] = (this.record.answeredBy[api.name] ?? 0) + 1;
      this.record.statuses.set(key, (this.record.statuses.get(key) ?? 0) + 1);
      if (res.status === 503 && PROBLEM.test(contentType)) this.record.unavailable += 1;
      else if (res.status >= 500) {
        this.record.bad.push({ status: res.status, contentType, body: text.slice(0, 300), route });
      }
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        json = undefined;
      }
      return { status: res.status, json };
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      if (name === 'TimeoutError') this.record.timeouts += 1;
      else this.record.connectionErrors += 1;
      return undefined;
    } finally {
      this.record.slowestMs = Math.max(this.record.slowestMs, performance.now() - started);
    }
  }
}

/** POST /v1/users as the admin for each rep (retrying while the API comes up); their tokens. */
export const registerReps = async (
  api: CustodiaProcess,
  adminToken: string,
  ids: readonly string[],
  tokenFor: (id: string) => Promise<string>,
): Promise<Rep[]> => {
  const reps: Rep[] = [];
  for (const [i, id] of ids.entries()) {
    for (let attempt = 0; ; attempt += 1) {
      const res = await fetch(`http://127.0.0.1:${api.port}/v1/users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id, displayName: `Rep ${i}`, roles: ['sales'], team: 'east' }),
      });
      if (res.status === 201 || res.status === 409) break;
      if (attempt > 20)
        throw new Error(`POST /v1/users answered ${res.status}: ${await res.text()}`);
      await new Promise((done) => setTimeout(done, 250));
    }
    reps.push({ id, token: await tokenFor(id) });
  }
  return reps;
};

/** The counts every fault suite prints. */
export const summarize = (record: LoadRecord): Record<string, unknown> => ({
  commandsIssued: record.issued,
  commandsAcknowledged: record.customers.length + record.followUps.length,
  customersAcknowledged: record.customers.length,
  followUpsAcknowledged: record.followUps.length,
  reads: record.reads,
  readsWithData: record.dataReads.length,
  unavailable503: record.unavailable,
  connectionErrors: record.connectionErrors,
  timeouts: record.timeouts,
  other5xx: record.bad.length,
  slowestMs: Math.round(record.slowestMs),
  answeredBy: record.answeredBy,
  statuses: Object.fromEntries([...record.statuses].sort()),
});
