import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { EVENT_STORE, type EventStore } from '@custodia/event-store';
import { type DatabaseHandle } from '@custodia/platform';
import { ProjectionRunner } from '@custodia/read-store';
import { DataSource } from 'typeorm';
import type { AlertProcessor } from '@custodia/access';
import {
  ALERT_PROCESSOR,
  DATA_SOURCE,
  DATABASE_HANDLE,
  PROJECTION_RUNNER,
  RUN_PROJECTOR,
} from './storage.tokens';

const STEP_TIMEOUT_MS = 15_000;

class StepTimeout extends Error {
  override name = 'StepTimeout';
}

/**
 * Owns the order of start and stop, so nothing depends on the order Nest calls modules in:
 * stop the projector (it finishes its batch), close the event store, close the data source, and
 * only then stop the embedded PostgreSQL. Runs after the HTTP server has stopped accepting.
 */
@Injectable()
export class StorageLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('StorageLifecycle');

  constructor(
    @Inject(RUN_PROJECTOR) private readonly runProjector: boolean,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    @Inject(ALERT_PROCESSOR) private readonly alerts: AlertProcessor,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(DATABASE_HANDLE) private readonly database: DatabaseHandle,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.runProjector) return;
    this.runner.start();
    this.alerts.start();
    this.logger.log(
      `Projections running: ${this.runner.projectionNames.join(', ')}; access alerts`,
    );
  }

  async onApplicationShutdown(signal?: string): Promise<void> {
    this.logger.log(signal === undefined ? 'Shutting down' : `Shutting down (${signal})`);
    await this.step('projection runner', () => this.runner.stop());
    await this.step('alert processor', () => this.alerts.stop());
    await this.step('event store', () => this.store.close());
    await this.step('data source', async () => {
      if (this.dataSource.isInitialized) await this.dataSource.destroy();
    });
    await this.step('database', () => this.database.stop());
  }

  /**
   * A failing or hanging step must not keep the later ones (above all, stopping PostgreSQL)
   * from running.
   */
  private async step(name: string, fn: () => Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new StepTimeout()), STEP_TIMEOUT_MS);
    });
    try {
      await Promise.race([fn(), timeout]);
    } catch (error) {
      const kind = error instanceof Error ? error.name : typeof error;
      this.logger.warn(`Stopping the ${name} failed (${kind}); continuing shutdown`);
    } finally {
      clearTimeout(timer);
    }
  }
}
