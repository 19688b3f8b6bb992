import { type DynamicModule, Logger, Module } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import type { Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import {
  EncryptingEventStore,
  KEY_VAULT,
  type KeyVault,
  PERSONAL_DATA_REGISTRY,
  PersonalDataRegistry,
  type SigningKey,
  signingKeyFrom,
  storedForm,
} from '@custodia/crypto-shredding';
import { TreeHeadSigner } from '@custodia/audit';
import type { BlindIndex } from '@custodia/access';
import { EVENT_STORE, type EventStore } from '@custodia/event-store';
import { CONFIG, type Config, type DatabaseHandle, METRICS_REGISTRY } from '@custodia/platform';
import { ProjectionRunner } from '@custodia/read-store';
import { openDataSource } from './data-source.factory';
import { countForProgress } from './projection-count';
import { createEventStore } from './event-store.factory';
import { allProjections } from './projections';
import { StorageLifecycle } from './storage.lifecycle';
import { createPersonalDataRegistry } from './personal-data';
import { createAlertProcessor } from './alert-processor.factory';
import { createBlindIndex } from './blind-index.factory';
import { type KeyReconciliation, reconcileErasedKeys } from './reconcile-keys';
import {
  ALERT_PROCESSOR,
  BLIND_INDEX,
  DATA_SOURCE,
  DATABASE_HANDLE,
  KEY_RECONCILIATION,
  PROJECTION_RUNNER,
  RUN_PROJECTOR,
  SIGNING_KEY,
  TREE_HEAD_SIGNER,
} from './storage.tokens';

export type StorageOptions = {
  readonly database: DatabaseHandle;
  /** Application name on PostgreSQL connections, e.g. `custodia-api`. */
  readonly processName: string;
  /** Start the projection runner when the app starts (PROJECTOR=inline, or the projector app). */
  readonly runProjector: boolean;
};

/** What the start-up reconciliation did; empty when a test replaced the event store. */
export type StartupReconciliation = { result?: KeyReconciliation };

/** Data source (migrated), event store and projection runner: shared by API, projector and CLI. */
@Module({})
export class StorageModule {
  static register(options: StorageOptions): DynamicModule {
    return {
      module: StorageModule,
      global: true,
      providers: [
        { provide: DATABASE_HANDLE, useValue: options.database },
        { provide: RUN_PROJECTOR, useValue: options.runProjector },
        {
          provide: DATA_SOURCE,
          useFactory: () => openDataSource(options.database.url, options.processName),
        },
        // Every context's declarations, in every process (see personal-data.ts).
        { provide: PERSONAL_DATA_REGISTRY, useFactory: createPersonalDataRegistry },
        { provide: KEY_RECONCILIATION, useFactory: (): StartupReconciliation => ({}) },
        {
          provide: EVENT_STORE,
          // After DATA_SOURCE: the migrations that create the events and key tables have run.
          inject: [
            CONFIG,
            METRICS_REGISTRY,
            PERSONAL_DATA_REGISTRY,
            KEY_RECONCILIATION,
            DATA_SOURCE,
          ],
          useFactory: async (
            config: Config,
            metrics: Registry,
            personalData: PersonalDataRegistry,
            startup: StartupReconciliation,
          ): Promise<EventStore> => {
            const store = await createEventStore(config, options.database, {
              metrics,
              personalData,
            });
            // Backup safety, before anything can decrypt: the store (and the vault, which comes
            // from it) is handed to no other provider until every customer erased in the log has
            // lost its key again, so a restored copy of the key table cannot bring one back. Here
            // rather than in onApplicationBootstrap: Nest builds a provider only once its
            // dependencies are resolved, so no onModuleInit, projection runner, command or HTTP
            // route (the server listens after init) can hold the store before this has finished.
            try {
              startup.result = await reconcileErasedKeys({ store, vault: store.keyVault });
            } catch (error) {
              await store.close().catch(() => undefined);
              throw error;
            }
            const { keysDestroyed, erasuresRecorded } = startup.result;
            if (keysDestroyed > 0 || erasuresRecorded > 0) {
              new Logger('KeyReconciliation').warn(
                `Destroyed ${keysDestroyed} data keys of erased customers (a restored backup?); ` +
                  `${erasuresRecorded} erasure records written again`,
              );
            }
            return store;
          },
        },
        {
          provide: KEY_VAULT,
          // The store owns the vault (it closes it); undefined only when a test replaces the store.
          inject: [EVENT_STORE],
          useFactory: (store: EventStore) =>
            store instanceof EncryptingEventStore ? store.keyVault : undefined,
        },
        { provide: BLIND_INDEX, inject: [KEY_VAULT], useFactory: createBlindIndex },
        {
          provide: PROJECTION_RUNNER,
          inject: [DATA_SOURCE, EVENT_STORE, METRICS_REGISTRY, PinoLogger, BLIND_INDEX],
          useFactory: (
            dataSource: DataSource,
            eventStore: EventStore,
            registry: Registry,
            logger: PinoLogger,
            blindIndex: BlindIndex,
          ) => {
            logger.setContext('ProjectionRunner');
            return new ProjectionRunner({
              dataSource,
              eventStore,
              // Projections that need no personal value read the log as stored: nothing opened.
              storedEventStore:
                eventStore instanceof EncryptingEventStore ? eventStore.stored : undefined,
              projections: allProjections({ blindIndex }),
              registry,
              countEvents: countForProgress(dataSource, eventStore),
              logger: {
                info: (fields, message) => logger.info(fields, message),
                warn: (fields, message) => logger.warn(fields, message),
                error: (fields, message) => logger.error(fields, message),
              },
            });
          },
        },
        {
          provide: ALERT_PROCESSOR,
          inject: [DATA_SOURCE, EVENT_STORE, PinoLogger, CONFIG],
          useFactory: (
            dataSource: DataSource,
            store: EventStore,
            logger: PinoLogger,
            config: Config,
          ) =>
            createAlertProcessor({ dataSource, store, logger, webhookUrl: config.alertWebhookUrl }),
        },
        {
          provide: SIGNING_KEY,
          inject: [KEY_VAULT],
          useFactory: (vault: KeyVault | undefined) => {
            let key: Promise<SigningKey> | undefined;
            return (): Promise<SigningKey> =>
              (key ??=
                vault === undefined
                  ? Promise.reject(new Error('no key vault: nothing can be signed'))
                  : signingKeyFrom(vault));
          },
        },
        {
          provide: TREE_HEAD_SIGNER,
          inject: [EVENT_STORE, SIGNING_KEY, CONFIG, PinoLogger],
          useFactory: (
            store: EventStore,
            signingKey: () => Promise<SigningKey>,
            config: Config,
            logger: PinoLogger,
          ) => {
            logger.setContext('TreeHeadSigner');
            return new TreeHeadSigner({
              // The chain covers the stored form: heads need no key but the signing one.
              store: storedForm(store),
              signingKey,
              // Periodic only where the projections run; start() is a no-op at 0.
              intervalMs: options.runProjector ? config.treeHeadIntervalMs : 0,
              logger: { warn: (fields, message) => logger.warn(fields, message) },
            });
          },
        },
        StorageLifecycle,
      ],
      exports: [
        ALERT_PROCESSOR,
        BLIND_INDEX,
        DATABASE_HANDLE,
        DATA_SOURCE,
        EVENT_STORE,
        KEY_RECONCILIATION,
        KEY_VAULT,
        PERSONAL_DATA_REGISTRY,
        PROJECTION_RUNNER,
        RUN_PROJECTOR,
        SIGNING_KEY,
        TREE_HEAD_SIGNER,
      ],
    };
  }
}
