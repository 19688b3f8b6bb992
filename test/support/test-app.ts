import type { Type } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { Logger } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import { EVENT_STORE, type EventStore } from '@custodia/event-store';
import { createLogger, loadConfig, openDatabase } from '@custodia/platform';
import { AppModule } from '../../apps/api/src/app.module';
import { Public } from '../../apps/api/src/auth/auth.decorators';
import { setupHttpApp } from '../../apps/api/src/http/http-app.setup';

export type TestAppOptions = {
  readonly databaseUrl: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Test-only controllers mounted next to the real ones (under /v1); public unless `authenticate`. */
  readonly controllers?: readonly Type[];
  /** Put the test-only controllers behind the AuthGuard like real routes. */
  readonly authenticate?: boolean;
  /** Replaces the event store, e.g. with one that is down. */
  readonly eventStore?: EventStore;
  /** Receives everything the app logs (pino and Nest's own logger), at LOG_LEVEL from `env`. */
  readonly logDestination?: DestinationStream;
  /** Replaces providers by token, built from the real one (e.g. to make the access log fail). */
  readonly decorate?: readonly {
    readonly token: symbol;
    readonly inject: readonly symbol[];
    readonly useFactory: (...dependencies: never[]) => unknown;
  }[];
};

/** HS256 secret of test apps unless `env` sets AUTH_JWT_SECRET or AUTH_JWKS_URL. */
export const TEST_JWT_SECRET = 'test-only-secret-0123456789abcdefghijklmnopqrstuvwxyz';

/** Master key of test apps (base64 of 32 bytes) unless `env` names one. */
export const TEST_MASTER_KEY = Buffer.alloc(32, 0x5a).toString('base64');

/** The real AppModule and HTTP setup, on the given database, as `npm start` builds them. */
export const createTestApp = async (options: TestAppOptions): Promise<NestExpressApplication> => {
  const ownAuth = options.env?.AUTH_JWT_SECRET ?? options.env?.AUTH_JWKS_URL;
  const config = loadConfig({
    DATABASE_URL: options.databaseUrl,
    LOG_LEVEL: 'silent',
    PROJECTOR: 'inline',
    ...(ownAuth === undefined ? { AUTH_JWT_SECRET: TEST_JWT_SECRET } : {}),
    ...(options.env?.CUSTODIA_MASTER_KEY_FILE === undefined
      ? { CUSTODIA_MASTER_KEY: TEST_MASTER_KEY }
      : {}),
    ...options.env,
  });
  if (options.authenticate !== true) {
    for (const controller of options.controllers ?? []) Public()(controller);
  }
  const { logDestination } = options;
  const database = await openDatabase(
    config,
    logDestination === undefined
      ? createLogger('silent')
      : createLogger(config.logLevel, logDestination),
  );
  let builder = Test.createTestingModule({
    imports: [
      AppModule.register({
        config,
        database,
        ...(logDestination === undefined ? {} : { logDestination }),
      }),
    ],
    controllers: [...(options.controllers ?? [])],
  });
  if (options.eventStore !== undefined) {
    builder = builder.overrideProvider(EVENT_STORE).useValue(options.eventStore);
  }
  for (const { token, inject, useFactory } of options.decorate ?? []) {
    builder = builder
      .overrideProvider(token)
      .useFactory({ inject: [...inject], factory: useFactory as (...args: unknown[]) => unknown });
  }
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestExpressApplication>({
    bodyParser: false,
    logger: false,
    ...(logDestination === undefined ? {} : { bufferLogs: true }),
  });
  if (logDestination !== undefined) app.useLogger(app.get(Logger));
  setupHttpApp(app);
  await app.init();
  return app;
};
