import { readFile } from 'node:fs/promises';
import { Inject, Optional } from '@nestjs/common';
import { Presets, SingleBar } from 'cli-progress';
import { Command, CommandRunner, Option } from 'nest-commander';
import type { DataSource } from 'typeorm';
import {
  fileLogEntries,
  type LogEntry,
  storeLogEntries,
  storeTreeHeads,
  type VerificationReport,
  verifyLog,
} from '@custodia/audit';
import { type SigningKey, storedForm } from '@custodia/crypto-shredding';
import { EVENT_STORE, type EventStore } from '@custodia/event-store';
import { DATA_SOURCE, SIGNING_KEY } from '@custodia/runtime';
import { CliError } from '../cli.errors';

type VerifyOptions = {
  readonly file?: string;
  readonly publicKey?: string;
  readonly json?: boolean;
};

/** One line per finding: positions, stream ids and revisions, never event content. */
const summarise = (report: VerificationReport): string => {
  const { treeHeads } = report;
  const summary =
    `${report.events} events in ${report.streams} streams; ` +
    `${treeHeads.verified} of ${treeHeads.found} signed tree heads verified, ` +
    `${treeHeads.coveredEvents} events under a signature, ${report.uncoveredEvents} after the latest`;
  if (report.failure === null) return `OK: ${summary}\n`;
  const lines = report.failures.map((failure) => {
    const where =
      failure.range === undefined
        ? `at index ${failure.index}`
        : `between index ${failure.range.afterIndex + 1} and ${failure.range.throughIndex}`;
    return `  ${failure.kind} ${where} (position ${failure.position ?? 'end of log'}): ${failure.detail}`;
  });
  const first = report.failure;
  return (
    `FAILED: first bad position ${first.position ?? 'end of log'} (index ${first.index}, ${first.kind})\n` +
    `${lines.join('\n')}\n${summary}\n`
  );
};

/**
 * `verify`: recomputes every hash chain and signed tree head of the log and names the first bad
 * position; exit status 1 on any failure. `--file log.ndjson --public-key key.pem` verifies an
 * exported log offline (no database, no configuration: the file and the key are all it reads).
 */
@Command({
  name: 'verify',
  description:
    'Verify the log: hash chains, signed tree heads; offline with --file and --public-key',
})
export class VerifyCommand extends CommandRunner {
  // Optional: offline verification and `--help` run without storage.
  constructor(
    @Optional() @Inject(EVENT_STORE) private readonly store: EventStore | undefined,
    @Optional() @Inject(DATA_SOURCE) private readonly dataSource: DataSource | undefined,
    @Optional()
    @Inject(SIGNING_KEY)
    private readonly signingKey: (() => Promise<SigningKey>) | undefined,
  ) {
    super();
  }

  @Option({ flags: '--file <path>', description: 'an exported log (npm run cli -- export-log)' })
  parseFile(value: string): string {
    return value;
  }

  @Option({
    flags: '--public-key <path>',
    description: 'PEM file of the Ed25519 key to trust (GET /v1/audit/public-key)',
  })
  parsePublicKey(value: string): string {
    return value;
  }

  @Option({ flags: '--json', description: 'print the report as JSON' })
  parseJson(): boolean {
    return true;
  }

  async run(_args: string[], options: VerifyOptions = {}): Promise<void> {
    const { treeHeads, events, publicKey, total } = await this.sources(options);
    const bar = new SingleBar(
      {
        format: 'verify [{bar}] {percentage}% | {value}/{total} events | {duration}s',
        hideCursor: true,
        noTTYOutput: false,
      },
      Presets.shades_classic,
    );
    bar.start(total ?? 0, 0);
    let report: VerificationReport;
    try {
      report = await verifyLog({
        treeHeads,
        events,
        publicKey,
        progressEvery: 5_000,
        onProgress: (done) => {
          if (done > bar.getTotal()) bar.setTotal(done);
          bar.update(done);
        },
      });
    } finally {
      bar.stop();
    }
    process.stdout.write(options.json === true ? `${JSON.stringify(report)}\n` : summarise(report));
    if (!report.ok) process.exitCode = 1;
  }

  private async sources(options: VerifyOptions): Promise<{
    treeHeads: AsyncIterable<LogEntry>;
    events: AsyncIterable<LogEntry>;
    publicKey: string;
    total: number | undefined;
  }> {
    if (options.file !== undefined) {
      if (options.publicKey === undefined)
        throw new CliError('--file needs --public-key: the key the tree heads must be signed by');
      const publicKey = await readFile(options.publicKey, 'utf8').catch(() => {
        throw new CliError(`cannot read the public key file ${options.publicKey}`);
      });
      return {
        treeHeads: fileLogEntries(options.file, { onlyTreeHeads: true }),
        events: fileLogEntries(options.file),
        publicKey,
        total: undefined,
      };
    }
    const { store, signingKey } = this;
    if (store === undefined || signingKey === undefined)
      throw new CliError('no event store: is the database reachable and CUSTODIA_MASTER_KEY set?');
    const stored = storedForm(store);
    const publicKey =
      options.publicKey === undefined
        ? (await signingKey()).publicKeyPem
        : await readFile(options.publicKey, 'utf8');
    return {
      treeHeads: storeTreeHeads(stored),
      events: storeLogEntries(stored),
      publicKey,
      total: await this.countEvents(),
    };
  }

  /** For the progress bar only (PostgreSQL store); unknown under KurrentDB. */
  private async countEvents(): Promise<number | undefined> {
    try {
      const rows = await this.dataSource?.query<{ count: string }[]>(
        `SELECT count(*)::text AS count FROM events`,
      );
      return rows === undefined ? undefined : Number(rows[0]?.count);
    } catch {
      return undefined;
    }
  }
}
