import { type DynamicModule, Global, Module } from '@nestjs/common';
import { EVENT_STORE } from '@custodia/event-store';
import { type Config, type DatabaseHandle, PlatformModule } from '@custodia/platform';
import {
  DATA_SOURCE,
  DATABASE_HANDLE,
  PROJECTION_RUNNER,
  RUN_PROJECTOR,
  SIGNING_KEY,
  StorageModule,
  TREE_HEAD_SIGNER,
} from '@custodia/runtime';
import { ExportLogCommand } from './commands/export-log.command';
import { RebuildCommand } from './commands/rebuild.command';
import { ReconcileKeysCommand } from './commands/reconcile-keys.command';
import { RotateMasterKeyCommand } from './commands/rotate-master-key.command';
import { SeedCommand } from './commands/seed.command';
import { TokenCommand } from './commands/token.command';
import { AuditPublicKeyCommand, SignTreeHeadCommand } from './commands/tree-head.command';
import { VerifyCommand } from './commands/verify.command';

/** Every command, one file each under commands/. Add new ones here. */
export const COMMANDS = [
  AuditPublicKeyCommand,
  ExportLogCommand,
  RebuildCommand,
  ReconcileKeysCommand,
  RotateMasterKeyCommand,
  SeedCommand,
  SignTreeHeadCommand,
  TokenCommand,
  VerifyCommand,
];

const STORAGE_TOKENS = [
  DATABASE_HANDLE,
  DATA_SOURCE,
  EVENT_STORE,
  PROJECTION_RUNNER,
  RUN_PROJECTOR,
  SIGNING_KEY,
  TREE_HEAD_SIGNER,
];

/**
 * For `--help` and offline verification (`verify --file`): no database is started; commands
 * that need one say so.
 */
@Global()
@Module({
  providers: STORAGE_TOKENS.map((token) => ({ provide: token, useValue: undefined })),
  exports: STORAGE_TOKENS,
})
class NoStorageModule {}

export type CliOptions = { readonly config: Config; readonly database: DatabaseHandle | undefined };

@Module({})
export class CliModule {
  static register({ config, database }: CliOptions): DynamicModule {
    return {
      module: CliModule,
      imports: [
        PlatformModule.forRoot({ config, logDestination: process.stderr }),
        database === undefined
          ? NoStorageModule
          : StorageModule.register({ database, processName: 'custodia-cli', runProjector: false }),
      ],
      providers: COMMANDS,
    };
  }
}
