import type { Logger } from 'pino';
import type { DestinationStream } from 'pino';
import {
  type Config,
  ConfigError,
  createLogger,
  type DatabaseHandle,
  EmbeddedDatabaseBusyError,
  loadConfig,
  onSignalDuringBoot,
  openDatabase,
  withDevSecrets,
} from '@custodia/platform';

/** What every Custodia process has once booted, before Nest starts. */
export type ProcessRuntime = {
  readonly config: Config;
  readonly database: DatabaseHandle;
  /** Plain pino logger for messages outside Nest (boot, shutdown, fatal errors). */
  readonly log: Logger;
  /** Call once the app's own shutdown hooks are in place. */
  bootDone(): void;
  /** Stops what boot started, prints one line and exits with status 1. */
  fail(error: unknown): Promise<never>;
};

/** Errors whose message is written for the person starting the process. */
const isOperatorError = (error: unknown): error is Error =>
  error instanceof ConfigError || error instanceof EmbeddedDatabaseBusyError;

const exitWith = (log: Logger, error: unknown): never => {
  const line = isOperatorError(error)
    ? error.message
    : `Custodia failed to start: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`;
  if (!isOperatorError(error)) log.fatal({ err: error }, 'Start-up failed');
  process.stderr.write(`${line}\n`);
  process.exit(1);
};

/**
 * Validates the configuration (one line and exit 1 when invalid), fills development secrets in
 * embedded mode, and opens the database: DATABASE_URL, or the embedded PostgreSQL under
 * `<CUSTODIA_DATA_DIR>/pg` (started, or joined when another Custodia process runs it).
 */
export const bootRuntime = async (
  processName: string,
  logDestination?: DestinationStream,
): Promise<ProcessRuntime> => {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  const log = createLogger(config.logLevel, logDestination).child({ process: processName });
  let database: DatabaseHandle | undefined;
  const stopDatabase = async (): Promise<void> => {
    await database?.stop().catch(() => undefined);
  };
  const removeBootHandler = onSignalDuringBoot(stopDatabase);
  try {
    config = withDevSecrets(config, log);
    database = await openDatabase(config, log);
  } catch (error) {
    removeBootHandler();
    return exitWith(log, error);
  }
  return {
    config,
    database,
    log,
    bootDone: removeBootHandler,
    fail: async (error) => {
      removeBootHandler();
      await stopDatabase();
      return exitWith(log, error);
    },
  };
};
