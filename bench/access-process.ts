import type { AddressInfo } from 'node:net';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Test } from '@nestjs/testing';
import { createLogger, loadConfig, openDatabase } from '@custodia/platform';
import { ACCESS_LOG } from '../apps/api/src/access/access-log';
import { AppModule } from '../apps/api/src/app.module';
import { setupHttpApp } from '../apps/api/src/http/http-app.setup';
import { ProjectorModule } from '../apps/projector/src/projector.module';

/**
 * One process of the `access` group's layout, forked by access.bench.ts (the load generator
 * stays in the parent, never in a server process):
 * - BENCH_ROLE=api: the real AppModule + setupHttpApp on an ephemeral port (as `npm start` builds
 *   it); BENCH_ACCESS_LOG=off replaces the ACCESS_LOG provider with a no-op and nothing else.
 * - BENCH_ROLE=projector: the projection runner and the alert processors, as `npm run
 *   start:projector` runs them next to APIs started with PROJECTOR=off.
 * Configuration comes from the environment (loadConfig). Tells the parent `{ ready, port? }`
 * over IPC, and closes on 'stop'.
 */
const main = async (): Promise<void> => {
  const config = loadConfig(process.env);
  const database = await openDatabase(config, createLogger('silent'));
  let app: INestApplicationContext;
  let port: number | undefined;
  if (process.env.BENCH_ROLE === 'projector') {
    app = await NestFactory.createApplicationContext(
      ProjectorModule.register({ config, database }),
      { logger: false },
    );
    await app.init();
  } else {
    let builder = Test.createTestingModule({ imports: [AppModule.register({ config, database })] });
    if (process.env.BENCH_ACCESS_LOG === 'off') {
      builder = builder
        .overrideProvider(ACCESS_LOG)
        .useValue({ record: () => Promise.resolve(undefined) });
    }
    const http = (await builder.compile()).createNestApplication<NestExpressApplication>({
      bodyParser: false,
      logger: false,
    });
    setupHttpApp(http);
    await http.init();
    await http.listen(0, '127.0.0.1');
    port = (http.getHttpServer().address() as AddressInfo).port;
    app = http;
  }
  process.on('message', (message) => {
    if (message !== 'stop') return;
    // exit, not just disconnect: a --cpu-prof profile is written on exit.
    void app.close().finally(() => process.exit(0));
  });
  process.send?.({ ready: true, port });
};

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
