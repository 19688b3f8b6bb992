import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { bootRuntime } from '@custodia/runtime';
import { ProjectorModule } from './projector.module';

/**
 * `npm run start:projector`: runs every projection (one active instance per projection across
 * processes, by advisory lock). Run the API with PROJECTOR=off next to it, or keep both: the
 * locks make the second one a standby. SIGTERM finishes the current batch, then exits.
 */
const main = async (): Promise<void> => {
  const runtime = await bootRuntime('projector');
  try {
    const app = await NestFactory.createApplicationContext(ProjectorModule.register(runtime), {
      bufferLogs: true,
      abortOnError: false,
    });
    app.useLogger(app.get(Logger));
    app.enableShutdownHooks();
    runtime.bootDone();
    await app.init();
    runtime.log.info('Projector running; SIGTERM or Ctrl-C to stop');
  } catch (error) {
    await runtime.fail(error);
  }
};

void main();
