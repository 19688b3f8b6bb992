import { CommandFactory } from 'nest-commander';
import { loadConfig } from '@custodia/platform';
import { bootRuntime } from '@custodia/runtime';
import { CliError } from './cli.errors';
import { CliModule } from './cli.module';

const args = process.argv.slice(2);
const wantsHelpOnly =
  args.length === 0 || args[0] === 'help' || args.includes('--help') || args.includes('-h');
/** `verify --file …` checks an exported log: no database, no configuration. */
const offline =
  args[0] === 'verify' && args.some((arg) => arg === '--file' || arg.startsWith('--file='));
const withoutStorage = wantsHelpOnly || offline;

/** One line on stderr and exit status 1; the stack stays out of the terminal. */
const reportFailure = (error: Error): void => {
  const { code, exitCode } = error as { code?: unknown; exitCode?: unknown };
  if (typeof code === 'string' && code.startsWith('commander.') && typeof exitCode === 'number') {
    process.exitCode = exitCode; // commander has already printed the help or its message
    return;
  }
  const message = error instanceof CliError ? error.message : `${error.name}: ${error.message}`;
  process.stderr.write(`error: ${message.split('\n')[0]}\n`);
  process.exitCode = 1;
};

/**
 * `npm run cli -- <command>`. Reaches the same database as `npm start`: DATABASE_URL, or the
 * embedded PostgreSQL under CUSTODIA_DATA_DIR, joined when the API is running, started (and
 * stopped again) otherwise. Logs go to stderr, errors only unless LOG_LEVEL says otherwise.
 */
const main = async (): Promise<void> => {
  process.env.LOG_LEVEL ??= 'error';
  const runtime = withoutStorage ? undefined : await bootRuntime('cli', process.stderr);
  // Help needs no environment. A running command keeps the boot signal handler: Ctrl-C stops
  // the embedded database this process started, then exits.
  const config = runtime?.config ?? loadConfig({ LOG_LEVEL: 'warn' });
  try {
    await CommandFactory.run(CliModule.register({ config, database: runtime?.database }), {
      cliName: 'custodia',
      logger: false,
      abortOnError: false,
      errorHandler: (error) => {
        throw error; // let the app close (and the embedded database stop) before exiting
      },
      serviceErrorHandler: reportFailure,
    });
  } catch (error) {
    reportFailure(error instanceof Error ? error : new Error(String(error)));
    await runtime?.database.stop();
  }
};

void main();
