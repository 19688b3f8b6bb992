import { Inject, Optional } from '@nestjs/common';
import { Presets, SingleBar } from 'cli-progress';
import { Command, CommandRunner } from 'nest-commander';
import { KEY_VAULT, type KeyVault } from '@custodia/crypto-shredding';
import { EVENT_STORE, type EventStore } from '@custodia/event-store';
import {
  KEY_RECONCILIATION,
  reconcileErasedKeys,
  type StartupReconciliation,
} from '@custodia/runtime';
import { CliError } from '../cli.errors';

/**
 * `reconcile-keys`: destroys every data key whose customer has `CustomerErased` in the log (after
 * restoring the key table from a backup). Every process also does this when it starts, this one
 * included: the line printed counts both runs. Prints counts only, never a value.
 */
@Command({
  name: 'reconcile-keys',
  description: 'Destroy the data keys of customers erased in the log (e.g. after a restore)',
})
export class ReconcileKeysCommand extends CommandRunner {
  // Optional: `--help` builds the command without storage.
  constructor(
    @Optional() @Inject(EVENT_STORE) private readonly store: EventStore | undefined,
    @Optional() @Inject(KEY_VAULT) private readonly vault: KeyVault | undefined,
    @Optional()
    @Inject(KEY_RECONCILIATION)
    private readonly startup: StartupReconciliation | undefined,
  ) {
    super();
  }

  async run(): Promise<void> {
    const { store, vault } = this;
    if (store === undefined || vault === undefined) {
      throw new CliError('the key vault is not available: is CUSTODIA_MASTER_KEY set?');
    }
    const bar = new SingleBar(
      {
        format: 'erased customers [{bar}] {percentage}% | {value}/{total} | {duration}s',
        hideCursor: true,
        // Without a terminal, print the final state only: no control characters in CI logs.
        noTTYOutput: false,
      },
      Presets.shades_classic,
    );
    bar.start(0, 0);
    let result;
    try {
      result = await reconcileErasedKeys({
        store,
        vault,
        onProgress: (done, total) => {
          bar.setTotal(total);
          bar.update(done);
        },
      });
    } finally {
      bar.stop();
    }
    const atStart = this.startup?.result;
    const destroyed = result.keysDestroyed + (atStart?.keysDestroyed ?? 0);
    const recorded = result.erasuresRecorded + (atStart?.erasuresRecorded ?? 0);
    process.stdout.write(
      `Reconciled ${result.erasedCustomers} erased customers: destroyed ${destroyed} data keys` +
        ` (${atStart?.keysDestroyed ?? 0} of them at start-up), ${recorded} erasure records` +
        ` written again.\n`,
    );
  }
}
