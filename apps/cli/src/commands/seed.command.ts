import { Inject, Optional } from '@nestjs/common';
import { Presets, SingleBar } from 'cli-progress';
import { Command, CommandRunner, Option } from 'nest-commander';
import { ConsentError, defaultCatalogFiles, loadPurposeCatalog } from '@custodia/consent';
import { EVENT_STORE, type EventStore } from '@custodia/event-store';
import { ROLES } from '@custodia/identity';
import { CLOCK, type Clock } from '@custodia/platform';
import type { ProjectionRunner } from '@custodia/read-store';
import { PROJECTION_RUNNER } from '@custodia/runtime';
import { CliError } from '../cli.errors';
import { catchUpProjections } from '../seed/projection-catch-up';
import { customersInShard, Seeder, type SeedSummary } from '../seed/seeder';

export type SeedCommandOptions = {
  readonly customers?: number;
  readonly followUps?: number;
  readonly accessEvents?: number;
  readonly seed?: number;
  readonly concurrency?: number;
  readonly reps?: number;
  readonly asOf?: Date;
  readonly shard?: { readonly index: number; readonly count: number };
  readonly project?: boolean;
};

const MAX_CUSTOMERS = 100_000_000;

const count =
  (flag: string, max = Number.MAX_SAFE_INTEGER) =>
  (value: string): number => {
    const parsed = Number(value.replace(/_/g, ''));
    if (!Number.isSafeInteger(parsed) || parsed < 0 || parsed > max) {
      throw new CliError(`${flag}: must be a whole number from 0 to ${max}`);
    }
    return parsed;
  };

const rate = (value: number): string => Math.round(value).toLocaleString('en-US');

/**
 * `seed --customers N --follow-ups M`: a realistic, deterministic history decided by the
 * product's deciders and appended through the encrypting store. Re-running with the same
 * options (and `--seed`) continues after a crash: appends are idempotent by event id.
 */
@Command({
  name: 'seed',
  description:
    'Fill the database with realistic customers, consents, follow-ups and access events (deterministic, resumable)',
})
export class SeedCommand extends CommandRunner {
  constructor(
    @Optional() @Inject(EVENT_STORE) private readonly store: EventStore | undefined,
    @Optional() @Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner | undefined,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    super();
  }

  @Option({ flags: '--customers <n>', description: 'customers to register', required: true })
  parseCustomers(value: string): number {
    return count('--customers', MAX_CUSTOMERS)(value);
  }

  @Option({ flags: '--follow-ups <m>', description: 'follow-ups in all (default 5 per customer)' })
  parseFollowUps(value: string): number {
    return count('--follow-ups')(value);
  }

  @Option({
    flags: '--access-events <k>',
    description: 'access events in all: views, reveals, exports, denials (default 2 per customer)',
  })
  parseAccessEvents(value: string): number {
    return count('--access-events')(value);
  }

  @Option({
    flags: '--seed <n>',
    description: 'what the data and event ids derive from (default 1)',
  })
  parseSeed(value: string): number {
    return count('--seed', 2 ** 31)(value);
  }

  @Option({ flags: '--concurrency <c>', description: 'appends in flight (default 16)' })
  parseConcurrency(value: string): number {
    const parsed = count('--concurrency', 256)(value);
    if (parsed < 1) throw new CliError('--concurrency: must be at least 1');
    return parsed;
  }

  @Option({
    flags: '--reps <r>',
    description: 'sales reps (default one per 1,000 customers, 8–400)',
  })
  parseReps(value: string): number {
    const parsed = count('--reps', 10_000)(value);
    if (parsed < 2) throw new CliError('--reps: must be at least 2');
    return parsed;
  }

  @Option({
    flags: '--as-of <date>',
    description: 'the history ends on this day, YYYY-MM-DD (default today, UTC)',
  })
  parseAsOf(value: string): Date {
    const date = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00Z`) : undefined;
    if (date === undefined || Number.isNaN(date.getTime())) {
      throw new CliError('--as-of: must be a date YYYY-MM-DD');
    }
    return date;
  }

  @Option({
    flags: '--shard <k/n>',
    description:
      'write only blocks k, k+n, … (run n processes, k = 0..n-1, same options, to use more cores)',
  })
  parseShard(value: string): { index: number; count: number } {
    const match = /^(\d+)\/(\d+)$/.exec(value);
    const [index, count] = match === null ? [NaN, NaN] : [Number(match[1]), Number(match[2])];
    if (!(count >= 1 && count <= 64 && index >= 0 && index < count)) {
      throw new CliError('--shard: must be k/n with 0 <= k < n <= 64, e.g. 0/2');
    }
    return { index, count };
  }

  @Option({
    flags: '--project',
    description: 'then bring the read models up to date here, with a progress bar',
  })
  parseProject(): boolean {
    return true;
  }

  async run(_args: string[], options: SeedCommandOptions = {}): Promise<void> {
    if (this.store === undefined) throw new CliError('no event store: is the database reachable?');
    const customers = options.customers;
    if (customers === undefined) throw new CliError('--customers <n> is required');
    const seedOptions = {
      seed: options.seed ?? 1,
      customers,
      followUps: options.followUps ?? 5 * customers,
      accessEvents: options.accessEvents ?? 2 * customers,
      concurrency: options.concurrency ?? 16,
      ...(options.reps === undefined ? {} : { reps: options.reps }),
      asOf: options.asOf ?? this.clock.now(),
      ...(options.shard === undefined ? {} : { shard: options.shard }),
    };
    const catalog = await loadPurposeCatalog(defaultCatalogFiles(), { knownRoles: ROLES }).catch(
      (error: unknown) => {
        if (error instanceof ConsentError) throw new CliError(error.message.split('\n')[0]);
        throw error;
      },
    );
    const total = customersInShard(customers, options.shard);
    process.stdout.write(
      `Seeding ${rate(customers)} customers, ${rate(seedOptions.followUps)} follow-ups, ` +
        `${rate(seedOptions.accessEvents)} access events (seed ${seedOptions.seed}, ` +
        `concurrency ${seedOptions.concurrency}, history up to ${seedOptions.asOf.toISOString().slice(0, 10)}` +
        `${options.shard === undefined ? '' : `; shard ${options.shard.index}/${options.shard.count}: ${rate(total)} customers`})\n`,
    );
    const bar = new SingleBar(
      {
        format:
          'seed [{bar}] {percentage}% | {value}/{total} customers | {events} events | {rate} events/s | ETA {eta_formatted}',
        hideCursor: true,
        noTTYOutput: false,
        etaBuffer: 200,
      },
      Presets.shades_classic,
    );
    const started = performance.now();
    bar.start(total, 0, { events: 0, rate: 0 });
    let summary: SeedSummary;
    try {
      let shown = 0;
      summary = await new Seeder(this.store, catalog).run(seedOptions, (progress) => {
        // Redrawn a few times a second, not once per append.
        const at = performance.now();
        if (at - shown < 250 && progress.customers < total) return;
        shown = at;
        bar.update(progress.customers, {
          events: rate(progress.events),
          rate: rate(progress.events / Math.max(0.001, (at - started) / 1000)),
        });
      });
    } finally {
      bar.stop();
    }
    process.stdout.write(
      `Seeded ${rate(summary.customers)} customers and ${rate(summary.users)} users: ` +
        `${rate(summary.events)} events in ${(summary.elapsedMs / 1000).toFixed(1)} s ` +
        `(${rate(summary.eventsPerSecond)} events/s). Events already written by an earlier run ` +
        `with the same options were recognised, not written twice.\n`,
    );
    if (options.project === true) await this.project();
    else {
      process.stdout.write(
        'Read models: a running API (npm start) or projector (npm run start:projector) catches up ' +
          'on its own; or re-run this command with --project to catch up here.\n',
      );
    }
  }

  private async project(): Promise<void> {
    if (this.runner === undefined) throw new CliError('no projection runner');
    const bar = new SingleBar(
      {
        format:
          'project [{bar}] {value}/{total} projections live | {applied} events applied | {duration}s',
        hideCursor: true,
        noTTYOutput: false,
      },
      Presets.shades_classic,
    );
    bar.start(this.runner.projectionNames.length, 0, { applied: 0 });
    let result;
    try {
      result = await catchUpProjections(this.runner, ({ live, total, applied }) => {
        bar.setTotal(total);
        bar.update(live, { applied: rate(applied) });
      });
    } finally {
      bar.stop();
    }
    const elsewhere =
      result.elsewhere.length === 0
        ? ''
        : `; ${result.elsewhere.join(', ')} run in another process, which keeps them up to date`;
    process.stdout.write(
      `Read models up to date: ${result.live} of ${result.total} projections${elsewhere}\n`,
    );
  }
}
