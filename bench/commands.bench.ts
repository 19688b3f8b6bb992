import { randomBytes } from 'node:crypto';
import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommandBus, CqrsModule } from '@nestjs/cqrs';
import { DataSource } from 'typeorm';
import { defaultCatalogFiles, loadPurposeCatalog, type PurposeCatalog } from '@custodia/consent';
import {
  cryptoShreddingMigrations,
  EncryptingEventStore,
  PersonalDataRegistry,
  PostgresKeyVault,
} from '@custodia/crypto-shredding';
import {
  EVENT_STORE,
  type EventStore,
  eventStoreMigrations,
  PostgresEventStore,
} from '@custodia/event-store';
import { customerStreamPersonalData } from '@custodia/follow-ups';
import { type Actor, ROLES, UserRepository } from '@custodia/identity';
import { CustomerStreamRepository } from '../apps/api/src/customers/customer-stream.repository';
import {
  LogFollowUpCommand,
  LogFollowUpHandler,
} from '../apps/api/src/customers/log-follow-up.handler';
import { PURPOSE_CATALOG } from '../apps/api/src/customers/purpose-catalog.provider';
import {
  RegisterCustomerCommand,
  RegisterCustomerHandler,
} from '../apps/api/src/customers/register-customer.handler';
import { interleave, median, rate, timedWindow } from './measure';
import { IDENTITY_CIPHER } from './identity-cipher';
import { type Goal, row, type Row } from './report';
import { POOL_SIZE } from './store-under-test';

export type CommandSettings = {
  readonly rounds: number;
  readonly windowMs: number;
  readonly warmupMs: number;
  readonly callers: number;
};

const PURPOSE = 'sales_followup';
const OWNER: Actor = { userId: 'bench-sales-1', roles: ['sales'], team: 'team-bench' };

/** The migrations the handlers' store needs: the log, and the key vault's tables. */
const migrate = async (url: string): Promise<void> => {
  const dataSource = new DataSource({
    type: 'postgres',
    url,
    migrations: [...eventStoreMigrations, ...cryptoShreddingMigrations],
  });
  await dataSource.initialize();
  try {
    await dataSource.runMigrations();
  } finally {
    await dataSource.destroy();
  }
};

/**
 * A Nest application context holding the API's own customer command handlers and repository
 * (apps/api/src/customers) behind the @nestjs/cqrs CommandBus, over `store`. Not CustomersModule
 * itself: that one brings the HTTP controllers and their guards, which commands do not use.
 */
const commandContext = async (
  store: EventStore,
  catalog: PurposeCatalog,
): Promise<INestApplicationContext> => {
  @Module({
    imports: [CqrsModule.forRoot()],
    providers: [
      { provide: EVENT_STORE, useValue: store },
      { provide: PURPOSE_CATALOG, useValue: catalog },
      UserRepository,
      CustomerStreamRepository,
      RegisterCustomerHandler,
      LogFollowUpHandler,
    ],
  })
  class CommandsBenchModule {}
  return NestFactory.createApplicationContext(CommandsBenchModule, { logger: false });
};

/** The notice of the catalog that tells about `purpose`, with its zh-CN text's hash. */
const noticeFor = (
  catalog: PurposeCatalog,
  purpose: string,
): { noticeVersion: string; noticeSha256: string } => {
  for (const notice of catalog.notices.values()) {
    const text = notice.texts.find((candidate) => candidate.language === 'zh-CN');
    if (notice.purposes.includes(purpose) && text)
      return { noticeVersion: notice.version, noticeSha256: text.sha256 };
  }
  throw new Error(`bench: the catalog has no zh-CN notice for ${purpose}`);
};

/** One operation: register a customer with a `sales_followup` consent, then log a call. */
const operation = (
  bus: CommandBus,
  notice: { noticeVersion: string; noticeSha256: string },
): ((n: number) => Promise<number>) => {
  const metadata = (): { actorId: string; now: string } => ({
    actorId: OWNER.userId,
    now: new Date().toISOString(),
  });
  return async (n) => {
    const { customerId } = await bus.execute(
      new RegisterCustomerCommand(
        {
          profile: {
            name: '张伟',
            phone: `138${String(n % 1e8).padStart(8, '0')}`,
            email: 'zhang.wei@example.com',
            wechat: 'zhangwei_88',
            company: '示例科技有限公司',
          },
          consents: [{ purpose: PURPOSE, ...notice, channel: 'web' }],
        },
        metadata(),
        OWNER,
      ),
    );
    const logged = metadata();
    await bus.execute(
      new LogFollowUpCommand(
        {
          customerId,
          purpose: PURPOSE,
          channel: 'call',
          occurredAt: logged.now,
          summary: '客户对年度套餐感兴趣，希望下周看报价。',
        },
        logged,
        OWNER,
      ),
    );
    return 2; // commands
  };
};

/**
 * Commands/s of register customer + log follow-up at `callers` concurrent callers, through the
 * CommandBus and the API's handlers, over the application's store (EncryptingEventStore over
 * PostgresEventStore, the customer stream's personal fields registered, keys in a
 * PostgresKeyVault committing new keys as the app does when the log is PostgreSQL).
 *
 * Two rows, each measured side by side in the same run (interleaved rounds):
 * - the goal, "the cipher replaced by identity": the same store, vault and key creation,
 *   with IDENTITY_CIPHER in place of AES-256-GCM (same envelopes, plaintext merely base64). The
 *   ratio is what encryption costs.
 * - crypto-shredding as a whole: the same store class with an EMPTY registry (no event type
 *   declares a personal field: no vault, no envelopes). The ratio adds what per-customer keys
 *   and envelopes cost; every operation here registers a new customer, so every one creates a
 *   key: the worst case.
 */
export const commandsBenchmark = async (
  url: string,
  s: CommandSettings,
  progress: (line: string) => void,
): Promise<Row[]> => {
  progress(`customer commands (register + follow-up), ${s.callers} callers`);
  await migrate(url);
  const catalog = await loadPurposeCatalog(defaultCatalogFiles(), { knownRoles: ROLES });
  const notice = noticeFor(catalog, PURPOSE);
  const inner = await PostgresEventStore.connect(url, { poolSize: POOL_SIZE });
  const vault = await PostgresKeyVault.open({
    masterKey: randomBytes(32),
    url,
    keysFlushedByLogAppend: true, // as the app runs it: the log is in the same server
  });
  const registry = new PersonalDataRegistry().registerAll(customerStreamPersonalData);
  const contexts = {
    aes: await commandContext(new EncryptingEventStore(inner, { vault, registry }), catalog),
    identityCipher: await commandContext(
      new EncryptingEventStore(inner, { vault, registry, cipher: IDENTITY_CIPHER }),
      catalog,
    ),
    noPersonalData: await commandContext(
      new EncryptingEventStore(inner, { vault, registry: new PersonalDataRegistry() }),
      catalog,
    ),
  };
  try {
    // The owner: an active sales rep with a team, as RegisterCustomerHandler requires.
    await contexts.aes.get(UserRepository).execute({
      type: 'RegisterUser',
      data: { userId: OWNER.userId, displayName: 'Bench Rep', roles: ['sales'], team: OWNER.team },
      metadata: { actorId: OWNER.userId, now: new Date().toISOString() },
    });
    let serial = 0; // distinct phone numbers across all sides
    const window = (context: INestApplicationContext) => {
      const op = operation(context.get(CommandBus), notice);
      return (round: number) =>
        timedWindow(s.callers, round < 0 ? s.warmupMs : s.windowMs, () => op((serial += 1)));
    };
    const compare = async (name: string, reference: INestApplicationContext, goal?: Goal) => {
      const result = await interleave(
        s.rounds,
        { label: 'aes-256-gcm', run: window(contexts.aes) },
        { label: name, run: window(reference) },
      );
      return row(
        `register customer + log follow-up via CommandBus, ${s.callers} callers (vs ${name})`,
        'commands/s',
        median(result.subject.map(rate)),
        median(result.reference.map(rate)),
        goal,
      );
    };
    return [
      await compare('identity cipher', contexts.identityCipher, {
        on: 'ratio',
        op: '>=',
        target: 0.87,
      }),
      await compare('no personal data declared', contexts.noPersonalData),
    ];
  } finally {
    for (const context of Object.values(contexts)) await context.close();
    await inner.close();
    await vault.close();
  }
};
