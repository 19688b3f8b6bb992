import { Inject } from '@nestjs/common';
import { Presets, SingleBar } from 'cli-progress';
import { Command, CommandRunner } from 'nest-commander';
import { ProjectionRunner } from '@custodia/read-store';
import { PROJECTION_RUNNER } from '@custodia/runtime';
import { CliError } from '../cli.errors';

/** `rebuild [projection]`: empties read models and replays the event log into them. */
@Command({
  name: 'rebuild',
  arguments: '[projection]',
  argsDescription: { projection: 'name of the projection; all of them when omitted' },
  description: 'Rebuild read models from the event log, with a progress bar',
})
export class RebuildCommand extends CommandRunner {
  constructor(@Inject(PROJECTION_RUNNER) private readonly runner: ProjectionRunner) {
    super();
  }

  async run([name]: string[]): Promise<void> {
    const known = this.runner.projectionNames;
    if (name !== undefined && !known.includes(name)) {
      throw new CliError(`unknown projection "${name}"; known: ${known.join(', ')}`);
    }
    for (const projection of name === undefined ? known : [name]) {
      await this.rebuild(projection);
    }
  }

  private async rebuild(projection: string): Promise<void> {
    const bar = new SingleBar(
      {
        format: `${projection} [{bar}] {percentage}% | {value}/{total} events | {duration}s`,
        hideCursor: true,
        // Without a terminal, print the final state only: no control characters in CI logs.
        noTTYOutput: false,
      },
      Presets.shades_classic,
    );
    bar.start(0, 0);
    let applied: number;
    try {
      applied = await this.runner.rebuild(projection, (done, total) => {
        bar.setTotal(total);
        bar.update(done);
      });
    } finally {
      bar.stop();
    }
    process.stdout.write(`Rebuilt ${projection}: ${applied} events applied\n`);
  }
}
