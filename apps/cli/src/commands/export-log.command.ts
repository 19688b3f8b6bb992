import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { Inject, Optional } from '@nestjs/common';
import { Presets, SingleBar } from 'cli-progress';
import { Command, CommandRunner, Option } from 'nest-commander';
import { exportLogLines, type LogEntry, storeLogEntries } from '@custodia/audit';
import { storedForm } from '@custodia/crypto-shredding';
import { CLOCK, type Clock } from '@custodia/platform';
import { EVENT_STORE, type EventStore } from '@custodia/event-store';
import { CliError } from '../cli.errors';

/**
 * `export-log --out log.ndjson`: the whole log as stored (personal fields stay envelopes), one
 * JSON line per event after a header line, for `verify --file` anywhere, offline.
 */
@Command({
  name: 'export-log',
  description: 'Write the log as stored (envelopes, hashes, tree heads) to an NDJSON file',
})
export class ExportLogCommand extends CommandRunner {
  constructor(
    @Optional() @Inject(EVENT_STORE) private readonly store: EventStore | undefined,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    super();
  }

  @Option({ flags: '--out <path>', description: 'file to write (refused if it exists)' })
  parseOut(value: string): string {
    return value;
  }

  async run(_args: string[], options: { out?: string } = {}): Promise<void> {
    if (options.out === undefined) throw new CliError('--out <path> is required');
    if (this.store === undefined) throw new CliError('no event store: is the database reachable?');
    const stored = storedForm(this.store);
    const file = createWriteStream(options.out, { flags: 'wx', mode: 0o600 });
    await Promise.race([
      once(file, 'open'),
      once(file, 'error').then(([error]) => {
        throw new CliError(`cannot create ${options.out}: ${(error as Error).message}`);
      }),
    ]);
    const bar = new SingleBar(
      { format: 'export [{bar}] {value} events | {duration}s', noTTYOutput: false },
      Presets.shades_classic,
    );
    bar.start(0, 0);
    let events = 0;
    const counted = async function* (entries: AsyncIterable<LogEntry>) {
      for await (const entry of entries) {
        events += 1;
        if (events % 5_000 === 0) {
          bar.setTotal(events);
          bar.update(events);
        }
        yield entry;
      }
    };
    try {
      for await (const line of exportLogLines(counted(storeLogEntries(stored)), this.clock.now())) {
        if (!file.write(line)) await once(file, 'drain');
      }
    } finally {
      bar.setTotal(events);
      bar.update(events);
      bar.stop();
      file.end();
      await once(file, 'close');
    }
    process.stdout.write(`Exported ${events} events to ${options.out}\n`);
  }
}
