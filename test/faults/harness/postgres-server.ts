/**
 * The fault suites' PostgreSQL, in a process of its own (as in production): the embedded server
 * of `npm start` on the given data directory and port. Prints `ready <url>` once it accepts
 * connections; SIGTERM or SIGINT stops it (fast shutdown) and exits.
 *
 *   node -r ./test/faults/harness/ts-register.cjs test/faults/harness/postgres-server.ts <dir> <port>
 */
import { startEmbeddedPostgres } from '../../../libs/platform/src/embedded-postgres';

const main = async (): Promise<void> => {
  const [dataDir = '', port = ''] = process.argv.slice(2);
  const server = await startEmbeddedPostgres({ dataDir, port: Number(port), durable: false });
  const stop = (): void => void server.stop().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.stdout.write(`ready ${server.url}\n`);
};

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
