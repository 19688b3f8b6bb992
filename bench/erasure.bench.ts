import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { INestApplication } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Test } from '@nestjs/testing';
import type { PurposeCatalog } from '@custodia/consent';
import { customerStreamId } from '@custodia/customers';
import { EVENT_STORE, type EventStore, type NewEvent } from '@custodia/event-store';
import { type Actor, UserRepository } from '@custodia/identity';
import { createLogger, loadConfig, newId, openDatabase } from '@custodia/platform';
import { PrivacyRequests } from '@custodia/privacy';
import { AppModule } from '../apps/api/src/app.module';
import { LogFollowUpCommand } from '../apps/api/src/customers/log-follow-up.handler';
import { PURPOSE_CATALOG } from '../apps/api/src/customers/purpose-catalog.provider';
import { RegisterCustomerCommand } from '../apps/api/src/customers/register-customer.handler';
import { ErasureExecutor } from '../apps/api/src/erasure/erasure.executor';
import { scratchDatabase } from './bench-database';
import { traceSteps, type StepLog } from './erasure-steps';
import { percentile } from './measure';
import { row, type Row } from './report';

export type ErasureSettings = {
  /** Measured erasures per customer size (each erases a different prepared customer). */
  readonly samples: number;
  /** Erasures per size before the measured ones, discarded. */
  readonly warmupSamples: number;
  /** Stream lengths (events in `Customer-<id>`), the first one the reference. */
  readonly sizes: readonly [number, number];
  /** FollowUpLogged events per append while a stream is filled. */
  readonly appendBatch: number;
  /** Customers prepared concurrently. */
  readonly prepareConcurrency: number;
};

const PURPOSE = 'sales_followup';
const ADMIN = 'bench.admin';
const OWNER: Actor = { userId: 'bench.erasure.rep', roles: ['sales'], team: 'team-erasure' };
const DPO: Actor = { userId: 'bench.erasure.dpo', roles: ['dpo'], team: null };

type Notice = { readonly noticeVersion: string; readonly noticeSha256: string };

/** The notice of the catalog that tells about `purpose`, with its zh-CN text's hash. */
const noticeFor = (catalog: PurposeCatalog, purpose: string): Notice => {
  for (const notice of catalog.notices.values()) {
    const text = notice.texts.find((candidate) => candidate.language === 'zh-CN');
    if (notice.purposes.includes(purpose) && text)
      return { noticeVersion: notice.version, noticeSha256: text.sha256 };
  }
  throw new Error(`bench erasure: the catalog has no zh-CN notice for ${purpose}`);
};

const metadata = (actor: Actor): { actorId: string; now: string } => ({
  actorId: actor.userId,
  now: new Date().toISOString(),
});

/**
 * A customer whose `Customer-<id>` stream holds exactly `events` events: registered and given
 * one follow-up through the app's CommandBus (RegisterCustomerCommand, LogFollowUpCommand), then
 * filled with copies of that follow-up (fresh followUpId and event id) appended through the
 * app's EVENT_STORE, so they are sealed under the customer's key like real ones.
 */
const prepareCustomer = async (
  notice: Notice,
  bus: CommandBus,
  store: EventStore,
  events: number,
  batch: number,
  serial: number,
): Promise<string> => {
  const { customerId } = await bus.execute(
    new RegisterCustomerCommand(
      {
        profile: {
          name: '张伟',
          phone: `139${String(serial % 1e8).padStart(8, '0')}`,
          email: `zhang.wei.${serial}@example.com`,
          wechat: 'zhangwei_88',
          company: '示例科技有限公司',
        },
        consents: [{ purpose: PURPOSE, ...notice, channel: 'web' }],
      },
      metadata(OWNER),
      OWNER,
    ),
  );
  const logged = metadata(OWNER);
  await bus.execute(
    new LogFollowUpCommand(
      {
        customerId,
        purpose: PURPOSE,
        channel: 'call',
        occurredAt: logged.now,
        summary: '客户对年度套餐感兴趣，希望下周看报价。',
        nextStep: '发送修订报价',
      },
      logged,
      OWNER,
    ),
  );
  const streamId = customerStreamId(customerId);
  const recorded = await store.readStream(streamId);
  const template = recorded.at(-1);
  if (template?.type !== 'FollowUpLogged') {
    throw new Error(`bench erasure: expected a FollowUpLogged last, got ${template?.type}`);
  }
  let revision = template.revision;
  let count = recorded.length;
  if (count > events) throw new Error(`bench erasure: ${count} events before any follow-up copy`);
  while (count < events) {
    const n = Math.min(batch, events - count);
    const copies: NewEvent[] = Array.from({ length: n }, () => ({
      id: newId(),
      type: 'FollowUpLogged',
      data: { ...template.data, followUpId: newId() },
      metadata: { ...(template.metadata as Record<string, unknown>) },
    }));
    const result = await store.append(streamId, copies, { expectedRevision: revision });
    revision = result.nextExpectedRevision;
    count += n;
  }
  return customerId;
};

/** `count` customers of `events` events, `concurrency` prepared at a time. */
const prepareMany = async (
  notice: Notice,
  bus: CommandBus,
  store: EventStore,
  events: number,
  count: number,
  s: ErasureSettings,
  nextSerial: () => number,
): Promise<string[]> => {
  const ids: string[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      next += 1;
      ids.push(await prepareCustomer(notice, bus, store, events, s.appendBatch, nextSerial()));
    }
  };
  await Promise.all(Array.from({ length: s.prepareConcurrency }, worker));
  return ids;
};

/**
 * The `erasure` group: latency of `ErasureExecutor.erase` (the code behind
 * `POST /v1/privacy-requests/:id/execute`) for customers whose stream holds `sizes[0]` and
 * `sizes[1]` events, in the real AppModule (projector off: nothing else runs meanwhile).
 * Each sample erases a different prepared customer whose erasure request was received and
 * verified beforehand; only `erase` is timed. The sizes alternate sample by sample (ABBA).
 */
export const erasureBenchmark = async (
  url: string,
  s: ErasureSettings,
  progress: (line: string) => void,
): Promise<Row[]> => {
  const [small, large] = s.sizes;
  const perSize = s.samples + s.warmupSamples;
  progress(`erasure: ${perSize} customers of ${small} and of ${large} events each`);
  const scratch = await scratchDatabase(url, 'erasure');
  const config = loadConfig({
    DATABASE_URL: scratch.url,
    LOG_LEVEL: 'silent',
    // The projector would spend the run projecting the seeded follow-ups; erasure reads the log.
    PROJECTOR: 'off',
    AUTH_JWT_SECRET: randomBytes(32).toString('hex'),
    CUSTODIA_MASTER_KEY: randomBytes(32).toString('base64'),
    BOOTSTRAP_ADMIN_ID: ADMIN,
  });
  let app: INestApplication | undefined;
  try {
    const database = await openDatabase(config, createLogger('silent'));
    const moduleRef = await Test.createTestingModule({
      imports: [AppModule.register({ config, database })],
    }).compile();
    app = moduleRef.createNestApplication({ bodyParser: false, logger: false });
    await app.init();
    const bus = app.get(CommandBus);
    const store = app.get<EventStore>(EVENT_STORE);
    const privacy = app.get(PrivacyRequests, { strict: false });
    const executor = app.get(ErasureExecutor, { strict: false });
    const users = app.get(UserRepository, { strict: false });
    const notice = noticeFor(app.get<PurposeCatalog>(PURPOSE_CATALOG, { strict: false }), PURPOSE);
    for (const user of [OWNER, DPO]) {
      await users.execute({
        type: 'RegisterUser',
        data: {
          userId: user.userId,
          displayName: user.userId,
          roles: [...user.roles],
          team: user.team ?? null,
        },
        metadata: metadata({ userId: ADMIN, roles: ['admin'], team: null }),
      });
    }

    let serial = 0;
    const nextSerial = (): number => (serial += 1);
    const prepared = performance.now();
    const customers = {
      small: await prepareMany(notice, bus, store, small, perSize, s, nextSerial),
      large: await prepareMany(notice, bus, store, large, perSize, s, nextSerial),
    };
    const check = await store.readStream(customerStreamId(customers.large[0]), {
      direction: 'backwards',
      maxCount: 1,
    });
    if (check[0]?.revision !== large - 1) {
      throw new Error(`bench erasure: the large stream ends at revision ${check[0]?.revision}`);
    }
    progress(
      `erasure: prepared ${2 * perSize} customers in ` +
        `${((performance.now() - prepared) / 1000).toFixed(1)}s`,
    );

    // Received and verified as the DPO does over HTTP; executing is what is timed.
    const requests = new Map<string, string>();
    for (const customerId of [...customers.small, ...customers.large]) {
      const { requestId } = await privacy.receiveRequest(
        { customerId, type: 'erasure', regime: 'PIPL' },
        metadata(DPO),
      );
      await privacy.verifyRequest(requestId, metadata(DPO));
      requests.set(customerId, requestId);
    }

    const steps: StepLog | undefined =
      process.env.BENCH_ERASURE_STEPS === '1'
        ? traceSteps({
            store: (executor as unknown as { store: object }).store,
            vault: (executor as unknown as { vault: object }).vault,
            privacy: (executor as unknown as { privacy: object }).privacy,
          })
        : undefined;
    const once = async (customerId: string, events: number): Promise<number> => {
      steps?.take();
      const request = await privacy.getRequest(requests.get(customerId) ?? '');
      if (request?.state !== 'verified') {
        throw new Error(`bench erasure: request of ${customerId} is ${request?.state}`);
      }
      const started = performance.now();
      const certificate = await executor.erase(request, DPO);
      const ms = performance.now() - started;
      const split = steps?.take();
      if (split !== undefined) {
        const parts = split.map(([step, t]) => `${step} ${t.toFixed(1)}`).join(', ');
        progress(`erasure: ${events} events ${ms.toFixed(1)} ms = ${parts}`);
      }
      if (certificate.certificate.customerId !== customerId) {
        throw new Error('bench erasure: the certificate names another customer');
      }
      return ms;
    };
    for (let i = 0; i < s.warmupSamples; i += 1) {
      await once(customers.small[i], small);
      await once(customers.large[i], large);
    }
    const times = { small: [] as number[], large: [] as number[] };
    for (let i = s.warmupSamples; i < perSize; i += 1) {
      if (i % 2 === 0) {
        times.small.push(await once(customers.small[i], small));
        times.large.push(await once(customers.large[i], large));
      } else {
        times.large.push(await once(customers.large[i], large));
        times.small.push(await once(customers.small[i], small));
      }
    }
    const erased = await store.readStream(customerStreamId(customers.large.at(-1) ?? ''), {
      direction: 'backwards',
      maxCount: 1,
    });
    if (erased[0]?.type !== 'CustomerErased') {
      throw new Error(`bench erasure: last event after erasure is ${erased[0]?.type}`);
    }

    const name = (events: number) => `erasure, ${events.toLocaleString('en-US')} events`;
    const p = (values: number[], q: number) => percentile(values, q);
    return [
      row(`${name(small)} p50`, 'ms', p(times.small, 50), null),
      row(`${name(small)} p99`, 'ms', p(times.small, 99), null),
      row(`${name(large)} p50`, 'ms', p(times.large, 50), p(times.small, 50), {
        on: 'ratio',
        op: '<=',
        target: 1.5,
      }),
      row(`${name(large)} p99`, 'ms', p(times.large, 99), p(times.small, 99), {
        on: 'value',
        op: '<',
        target: 50,
      }),
    ];
  } finally {
    await app?.close();
    await scratch.drop();
  }
};
