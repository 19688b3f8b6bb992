import { Controller, Get, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  HealthCheck,
  type HealthCheckResult,
  HealthCheckService,
  HealthIndicatorService,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { EVENT_STORE, type EventStore, EventStoreError } from '@custodia/event-store';
import { ProjectionRunner } from '@custodia/read-store';
import { DATA_SOURCE, PROJECTION_RUNNER, RUN_PROJECTOR } from '@custodia/runtime';

const TIMEOUT_MS = 3_000;

/** Liveness of what a request needs: the database, the event store and the projector. */
@ApiTags('operations')
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly typeorm: TypeOrmHealthIndicator,
    @Inject(DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner,
    @Inject(RUN_PROJECTOR) private readonly runsProjector: boolean,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Database, event store and projector status (503 when one is down)' })
  async check(@Res({ passthrough: true }) res: Response): Promise<HealthCheckResult> {
    try {
      return await this.health.check([
        () =>
          this.typeorm.pingCheck('database', { connection: this.dataSource, timeout: TIMEOUT_MS }),
        () =>
          this.indicators
            .check('eventStore')
            .attempt(() => this.pingEventStore())
            .withTimeout(TIMEOUT_MS),
        () => this.indicators.check('projector').attempt(() => this.projector()),
      ]);
    } catch (error) {
      // Terminus reports "down" as a 503 exception carrying the health body: send that body as is.
      if (!(error instanceof ServiceUnavailableException)) throw error;
      res.status(503);
      return error.getResponse() as HealthCheckResult;
    }
  }

  /** The adapter's message may name hosts; health output carries the error code only. */
  private async pingEventStore(): Promise<void> {
    try {
      await this.store.ping();
    } catch (error) {
      const code = error instanceof EventStoreError ? error.code : 'EVENT_STORE.UNREACHABLE';
      throw new Error(code, { cause: error });
    }
  }

  /** Down when a projection keeps failing; reports state and lag, never event data. */
  private async projector(): Promise<Record<string, unknown>> {
    const statuses = await this.runner.status();
    const projections = Object.fromEntries(
      statuses.map((s) => [
        s.name,
        {
          state: s.state,
          eventsApplied: s.checkpoint?.eventsApplied ?? 0,
          ...(s.lagSeconds === undefined ? {} : { lagSeconds: s.lagSeconds }),
          ...(s.failure === undefined ? {} : { failure: s.failure.error }),
        },
      ]),
    );
    const failing = statuses.filter((s) => s.state === 'failing').map((s) => s.name);
    if (failing.length > 0) throw new Error(`projections failing: ${failing.join(', ')}`);
    return { mode: this.runsProjector ? 'inline' : 'off', projections };
  }
}
