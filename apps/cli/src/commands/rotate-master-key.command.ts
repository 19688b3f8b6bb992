import { existsSync, readFileSync } from 'node:fs';
import { Inject } from '@nestjs/common';
import { Presets, SingleBar } from 'cli-progress';
import { Command, CommandRunner, Help, Option } from 'nest-commander';
import { Pool } from 'pg';
import {
  CryptoShreddingError,
  type MasterKey,
  parseMasterKey,
  rotateMasterKey,
} from '@custodia/crypto-shredding';
import { CONFIG, type Config, type DatabaseHandle } from '@custodia/platform';
import { DATABASE_HANDLE } from '@custodia/runtime';
import { CliError } from '../cli.errors';

type RotateOptions = { readonly newKeyFile?: string };

const AFTER_HELP = `
The current master key is the configured one (CUSTODIA_MASTER_KEY, CUSTODIA_MASTER_KEY_FILE, or
the embedded default's .custodia/dev-secrets.json). The new one comes from --new-key-file or
CUSTODIA_NEW_MASTER_KEY: 32 random bytes as base64, e.g.
  openssl rand -base64 32 > new-master.key && chmod 600 new-master.key

Every data key is re-wrapped in one transaction; no event is read or changed. Then:
  1. set CUSTODIA_MASTER_KEY_FILE to the new key file (or CUSTODIA_MASTER_KEY to its value);
  2. restart every Custodia process (API replicas, projectors). Until then a process still on the
     old key keeps serving the keys it has cached but fails on any other (CRYPTO.MASTER_KEY_MISMATCH),
     and a process started with the old key refuses to start;
  3. once all run on the new key, destroy the old one.`;

/** `rotate-master-key`: re-wraps every data key under a new key-encryption key. */
@Command({
  name: 'rotate-master-key',
  description: 'Re-wrap every data key under a new master key (no event is touched)',
})
export class RotateMasterKeyCommand extends CommandRunner {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(DATABASE_HANDLE) private readonly database: DatabaseHandle,
  ) {
    super();
  }

  @Option({
    flags: '--new-key-file <path>',
    description:
      'file holding the new master key (base64, 32 bytes); or set CUSTODIA_NEW_MASTER_KEY',
  })
  parseNewKeyFile(path: string): string {
    return path;
  }

  @Help('after')
  afterHelp(): string {
    return AFTER_HELP;
  }

  async run(_: string[], options: RotateOptions = {}): Promise<void> {
    const current = this.config.masterKey;
    if (current === undefined) {
      throw new CliError('CUSTODIA_MASTER_KEY is not set: there is no current master key');
    }
    const next = this.newKey(options.newKeyFile);
    const pool = new Pool({
      connectionString: this.database.url,
      max: 1,
      application_name: 'custodia-cli',
    });
    const bar = new SingleBar(
      {
        format: 'data keys [{bar}] {percentage}% | {value}/{total} | {duration}s',
        hideCursor: true,
        noTTYOutput: false,
      },
      Presets.shades_classic,
    );
    bar.start(0, 0);
    try {
      const result = await rotateMasterKey({
        pool,
        current: current.key,
        next,
        onProgress: (done, total) => {
          bar.setTotal(total);
          bar.update(done);
        },
      });
      bar.stop();
      process.stdout.write(
        `Re-wrapped ${result.rewrapped} data keys: master key ${result.from} → ${result.to}.\n` +
          'Now set CUSTODIA_MASTER_KEY_FILE (or CUSTODIA_MASTER_KEY) to the new key and restart ' +
          'every Custodia process.\n',
      );
    } catch (error) {
      bar.stop();
      if (error instanceof CryptoShreddingError) throw new CliError(error.message);
      throw error;
    } finally {
      await pool.end();
    }
  }

  private newKey(file: string | undefined): MasterKey {
    const inline = process.env.CUSTODIA_NEW_MASTER_KEY?.trim() || undefined;
    if (file !== undefined && inline !== undefined) {
      throw new CliError('give --new-key-file or CUSTODIA_NEW_MASTER_KEY, not both');
    }
    if (file === undefined && inline === undefined) {
      throw new CliError(
        'give the new master key: --new-key-file <path> or CUSTODIA_NEW_MASTER_KEY',
      );
    }
    if (file !== undefined && !existsSync(file)) {
      throw new CliError(`--new-key-file names a file that does not exist`);
    }
    const source = file === undefined ? 'CUSTODIA_NEW_MASTER_KEY' : '--new-key-file';
    try {
      return parseMasterKey(inline ?? readFileSync(file ?? '', 'utf8'));
    } catch {
      throw new CliError(`${source} must hold 32 bytes encoded as base64`);
    }
  }
}
