import type { AddressInfo } from 'node:net';
import type { NestExpressApplication } from '@nestjs/platform-express';
import request from 'supertest';
import { EVENT_STORE, type EventStore, type RecordedEvent } from '@custodia/event-store';
import { aMobile, createTestDatabase, type TestDatabase } from '@custodia/testing';
import { eventually } from './support/eventually';
import { tokenFor } from './support/identity-tokens';
import { registerUsers, ROLE_USERS } from './support/identity-users';
import { createTestApp } from './support/test-app';

/*
 * 100 concurrent writers through the real HTTP app on a listening port.
 *
 * What the API offers for concurrency: no client-side expected revision (no If-Match, no ETag).
 * Every write re-reads the customer's stream, decides on it and appends with the revision it
 * read; on a conflict it decides again, 3 attempts in all (CustomerStreamRepository), then
 * answers 409 problem+json `EVENT_STORE.WRONG_EXPECTED_REVISION`. Idempotency-Key makes a
 * re-send safe: a failed request's key is forgotten, an acknowledged one answers again.
 */

const ADMIN = 'root';
const WRITERS = 100;
const PROBLEM = /^application\/problem\+json/;
const FOLLOWUP = { purpose: 'sales_followup', noticeVersion: 'general-2025-06', channel: 'web' };
const CONFLICT = 'EVENT_STORE.WRONG_EXPECTED_REVISION';
/** Rounds of re-sends before the test gives up on a writer (each round re-reads the stream). */
const MAX_RETRY_ROUNDS = 50;

type Sent = { readonly key: string; readonly path: string; readonly body: object };
type Answer = { readonly sent: Sent; readonly res: request.Response };

describe('concurrent writers', () => {
  let db: TestDatabase;
  let sut: NestExpressApplication;
  let store: EventStore;
  let base: string;
  let rep: string;
  let phones = 0;

  const send = (method: 'post' | 'patch', { key, path, body }: Sent) => {
    const agent = request(base);
    const call = method === 'post' ? agent.post(path) : agent.patch(path);
    return call.auth(rep, { type: 'bearer' }).set('Idempotency-Key', key).send(body);
  };
  const get = (path: string) =>
    request(base).get(path).auth(rep, { type: 'bearer' }).set('X-Purpose', 'sales_followup');
  const streamOf = (id: string) => store.readStream(`Customer-${id}`);

  const register = async (): Promise<string> => {
    phones += 1;
    const res = await request(base)
      .post('/v1/customers')
      .auth(rep, { type: 'bearer' })
      .send({
        name: '钱并发',
        phone: aMobile(60_000 + phones),
        company: '并发公司',
        consents: [FOLLOWUP],
      })
      .expect(201);
    return (res.body as { id: string }).id;
  };

  const followUp = (customerId: string, n: number): Sent => ({
    key: `follow-up-${customerId}-${n}`,
    path: `/v1/customers/${customerId}/follow-ups`,
    body: {
      purpose: 'sales_followup',
      channel: 'call',
      // After the consent (granted at registration), and not in the future.
      occurredAt: new Date().toISOString(),
      summary: `并发回访第${n}次`,
    },
  });

  /** Every answer is a success or the typed conflict: nothing else (no 500, no other 4xx). */
  const expectSuccessOrConflict = (answers: readonly Answer[], success: number) => {
    for (const { res } of answers) {
      if (res.status === success) continue;
      expect({ status: res.status, type: res.headers['content-type'] }).toEqual({
        status: 409,
        type: expect.stringMatching(PROBLEM),
      });
      expect(res.body).toMatchObject({ status: 409, code: CONFLICT });
    }
  };

  /** Re-sends every conflicted request (same key, same body) until each is acknowledged. */
  const retryUntilAcknowledged = async (
    method: 'post' | 'patch',
    answers: readonly Answer[],
    success: number,
  ): Promise<{ acknowledged: Answer[]; resent: number; rounds: number }> => {
    const acknowledged = answers.filter(({ res }) => res.status === success);
    let pending = answers.filter(({ res }) => res.status !== success).map(({ sent }) => sent);
    let resent = 0;
    let rounds = 0;
    while (pending.length > 0) {
      rounds += 1;
      if (rounds > MAX_RETRY_ROUNDS) throw new Error(`${pending.length} writers never got through`);
      resent += pending.length;
      const again = await Promise.all(
        pending.map(async (sent) => ({ sent, res: await send(method, sent) })),
      );
      expectSuccessOrConflict(again, success);
      acknowledged.push(...again.filter(({ res }) => res.status === success));
      pending = again.filter(({ res }) => res.status !== success).map(({ sent }) => sent);
    }
    return { acknowledged, resent, rounds };
  };

  /** Revisions 0..n-1, each exactly once: one append won each revision. */
  const expectContiguous = (events: readonly RecordedEvent[]) => {
    expect(events.map((event) => event.revision)).toEqual(events.map((_, index) => index));
  };

  /** Every follow-up of the customer in the timeline read model, through the API's pages. */
  const timeline = async (customerId: string): Promise<string[]> => {
    const ids: string[] = [];
    let cursor: string | null = null;
    do {
      const suffix: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
      const res = await get(`/v1/customers/${customerId}/follow-ups?limit=100${suffix}`).expect(
        200,
      );
      const page = res.body as { items: { id: string }[]; nextCursor: string | null };
      ids.push(...page.items.map((item) => item.id));
      cursor = page.nextCursor;
    } while (cursor !== null);
    return ids;
  };

  beforeAll(async () => {
    db = await createTestDatabase('concurrency');
    sut = await createTestApp({ databaseUrl: db.url, env: { BOOTSTRAP_ADMIN_ID: ADMIN } });
    await sut.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(sut.getHttpServer().address() as AddressInfo).port}`;
    store = sut.get(EVENT_STORE);
    const { sales } = await registerUsers(sut, await tokenFor(ADMIN), { sales: ROLE_USERS.sales });
    rep = sales;
  }, 60_000);

  afterAll(async () => {
    await sut?.close();
    await db?.drop();
  });

  it(`${WRITERS} follow-ups on ONE customer: one append per revision, the rest a typed 409 that a re-send resolves; log and timeline hold each once`, async () => {
    const customerId = await register();
    const before = await streamOf(customerId);
    const requests = Array.from({ length: WRITERS }, (_, n) => followUp(customerId, n));

    const answers = await Promise.all(
      requests.map(async (sent) => ({ sent, res: await send('post', sent) })),
    );
    expectSuccessOrConflict(answers, 201);
    const firstTime = answers.filter(({ res }) => res.status === 201).length;
    const { acknowledged, resent, rounds } = await retryUntilAcknowledged('post', answers, 201);
    process.stdout.write(
      `one customer: ${firstTime}/${WRITERS} acknowledged at once, ${WRITERS - firstTime} got 409; ` +
        `${resent} re-sends over ${rounds} rounds\n`,
    );
    expect(acknowledged).toHaveLength(WRITERS);
    const acknowledgedIds = acknowledged.map(({ res }) => (res.body as { id: string }).id);
    expect(new Set(acknowledgedIds).size).toBe(WRITERS);

    // A re-send of an acknowledged request answers the same id and appends nothing.
    const first = acknowledged[0];
    if (first === undefined) throw new Error('nothing acknowledged');
    const replay = await send('post', first.sent).expect(201);
    expect(replay.body).toEqual(first.res.body);

    // The log: exactly the acknowledged follow-ups, each once, on contiguous revisions.
    const events = await streamOf(customerId);
    expectContiguous(events);
    const logged = events.slice(before.length);
    expect(logged.map((event) => event.type)).toEqual(Array(WRITERS).fill('FollowUpLogged'));
    const loggedIds = logged.map((event) => (event.data as { followUpId: string }).followUpId);
    expect([...loggedIds].sort()).toEqual([...acknowledgedIds].sort());

    // The timeline read model: every acknowledged follow-up, none lost, none doubled.
    await eventually(async () => {
      expect((await timeline(customerId)).sort()).toEqual([...acknowledgedIds].sort());
    }, 30_000);
  }, 120_000);

  it(`${WRITERS} profile changes on ONE customer (no If-Match): none lost in the log, the directory shows the last`, async () => {
    const customerId = await register();
    const before = await streamOf(customerId);
    const requests: Sent[] = Array.from({ length: WRITERS }, (_, n) => ({
      key: `patch-${customerId}-${n}`,
      path: `/v1/customers/${customerId}`,
      body: { company: `并发公司-${n}` },
    }));

    const answers = await Promise.all(
      requests.map(async (sent) => ({ sent, res: await send('patch', sent) })),
    );
    expectSuccessOrConflict(answers, 204);
    const firstTime = answers.filter(({ res }) => res.status === 204).length;
    const { acknowledged, resent, rounds } = await retryUntilAcknowledged('patch', answers, 204);
    process.stdout.write(
      `profile: ${firstTime}/${WRITERS} acknowledged at once, ${WRITERS - firstTime} got 409; ` +
        `${resent} re-sends over ${rounds} rounds\n`,
    );
    expect(acknowledged).toHaveLength(WRITERS);

    // Each acknowledged change is one CustomerProfileUpdated (each sets a value not set before).
    const events = await streamOf(customerId);
    expectContiguous(events);
    const changes = events.slice(before.length);
    expect(changes.map((event) => event.type)).toEqual(
      Array(WRITERS).fill('CustomerProfileUpdated'),
    );
    const companies = changes.map((event) => (event.data as { company: string }).company);
    expect([...companies].sort()).toEqual(
      requests.map((sent) => (sent.body as { company: string }).company).sort(),
    );

    // Last writer wins, and the directory agrees with the log on who that was.
    const last = companies.at(-1);
    await eventually(async () => {
      const res = await get(`/v1/customers/${customerId}`).expect(200);
      expect((res.body as { fields: { company?: string } }).fields.company).toBe(last);
    }, 30_000);
  }, 120_000);

  it(`${WRITERS} writers on MANY customers: registrations and follow-ups all acknowledged at once, each in the log and the read models once`, async () => {
    const registrations = await Promise.all(
      Array.from({ length: WRITERS }, async (_, n) =>
        request(base)
          .post('/v1/customers')
          .auth(rep, { type: 'bearer' })
          .set('Idempotency-Key', `many-register-${n}`)
          .send({
            name: '孙多人',
            phone: aMobile(61_000 + n),
            company: `多客户公司-${n}`,
            consents: [FOLLOWUP],
          }),
      ),
    );
    // Streams that do not exist yet cannot conflict: every registration gets through at once.
    expect(registrations.map((res) => res.status)).toEqual(Array(WRITERS).fill(201));
    const ids = registrations.map((res) => (res.body as { id: string }).id);
    expect(new Set(ids).size).toBe(WRITERS);

    const answers = await Promise.all(
      ids.map(async (id, n) => {
        const sent = followUp(id, n);
        return { sent, res: await send('post', sent) };
      }),
    );
    // One writer per stream: no conflict either.
    expect(answers.map(({ res }) => res.status)).toEqual(Array(WRITERS).fill(201));

    for (const [n, id] of ids.entries()) {
      const events = await streamOf(id);
      expectContiguous(events);
      expect(events.map((event) => event.type)).toEqual([
        'CustomerRegistered',
        'ConsentGranted',
        'FollowUpLogged',
      ]);
      expect((events[2]?.data as { followUpId: string }).followUpId).toBe(
        (answers[n]?.res.body as { id: string }).id,
      );
    }

    // The directory lists each customer once; each timeline has its one follow-up.
    await eventually(async () => {
      const listed: string[] = [];
      let cursor: string | null = null;
      do {
        const suffix: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
        const res = await get(`/v1/customers?limit=100${suffix}`).expect(200);
        const page = res.body as { items: { id: string }[]; nextCursor: string | null };
        listed.push(...page.items.map((item) => item.id));
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect(listed.filter((id) => ids.includes(id)).sort()).toEqual([...ids].sort());
      expect(new Set(listed).size).toBe(listed.length);
    }, 30_000);
    await eventually(async () => {
      for (const [n, id] of ids.entries()) {
        expect(await timeline(id)).toEqual([(answers[n]?.res.body as { id: string }).id]);
      }
    }, 30_000);
  }, 180_000);
});
