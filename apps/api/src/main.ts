import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { ConfigError } from '@custodia/platform';
import { AppModule } from './app.module';
import { setupHttpApp } from './http/http-app.setup';
import { DOCS_PATH } from './http/openapi.setup';
import { bootRuntime } from '@custodia/runtime';

/**
 * `npm start`: configuration, database (DATABASE_URL or the embedded PostgreSQL), migrations,
 * event store, in-process projector (PROJECTOR=inline), HTTP on PORT. SIGINT/SIGTERM drain the
 * HTTP server, stop the projector, close the stores and stop the embedded PostgreSQL last.
 */
const main = async (): Promise<void> => {
  const runtime = await bootRuntime('api');
  const { config, log } = runtime;
  let app: NestExpressApplication;
  try {
    app = await NestFactory.create<NestExpressApplication>(AppModule.register(runtime), {
      bodyParser: false,
      bufferLogs: true,
      abortOnError: false,
    });
  } catch (error) {
    return runtime.fail(error);
  }
  app.useLogger(app.get(Logger));
  setupHttpApp(app);
  app.enableShutdownHooks();
  runtime.bootDone();
  try {
    await app.listen(config.port);
  } catch (error) {
    await app.close();
    const inUse = (error as { code?: unknown }).code === 'EADDRINUSE';
    return runtime.fail(
      inUse ? new ConfigError('PORT', `${config.port} is already in use`) : error,
    );
  }
  const base = `http://localhost:${config.port}`;
  log.info({ url: base }, `Custodia API listening on ${base}`);
  log.info({ url: `${base}/${DOCS_PATH}` }, `OpenAPI docs: ${base}/${DOCS_PATH}`);
  log.info({ url: `${base}/health` }, `Health: ${base}/health`);
  if (runtime.database.mode !== 'external') {
    log.info({ dataDir: config.dataDir }, `Embedded PostgreSQL data in ${config.dataDir}/pg`);
  }
};

void main();
