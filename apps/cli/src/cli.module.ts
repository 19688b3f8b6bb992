import { type DynamicModule, Global, Module } from '@nestjs/common';
import { EVENT_STORE } from '@custodia/event-store';
import { type Config, type DatabaseHandle, PlatformModule } from '@custodia/platform';
import {
  DATA_SOURCE,
  DATABASE_HANDLE,
  PROJECTION_RUNNER,
  RUN_PROJECTOR,
  StorageModule,
} from '@custodia/runtime';
import { RebuildCommand } from './commands/rebuild.command';
import { ReconcileKeysCommand } from './commands/reconcile-keys.command';
import { RotateMasterKeyCommand } from './commands/rotate-master-key.command';
import { TokenCommand } from './commands/token.command';

/** Every command, one file each under commands/. Add new ones here. */
export const COMMANDS = [
  RebuildCommand,
  ReconcileKeysCommand,
  RotateMasterKeyCommand,
  TokenCommand,
];

const STORAGE_TOKENS = [
  DATABASE_HANDLE,
  DATA_SOURCE,
  EVENT_STORE,
  PROJECTION_RUNNER,
  RUN_PROJECTOR,
];

/** For `--help`: commands are listed without starting a database; nothing may run. */
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
