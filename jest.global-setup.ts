import { chmodSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from './libs/platform/src/embedded-postgres';

/**
 * One real PostgreSQL per test run: DATABASE_URL when set, otherwise an embedded server in a
 * temporary directory. Each suite then creates its own database on it (libs/testing).
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) {
    process.env.CUSTODIA_TEST_ADMIN_URL = process.env.DATABASE_URL;
    return;
  }
  const scratch = mkdtempSync(join(tmpdir(), 'custodia-test-'));
  chmodSync(scratch, 0o711); // as root, the server runs as "postgres" and must enter it
  const dataDir = join(scratch, 'pg');
  const server = await startEmbeddedPostgres({ dataDir, durable: false });
  process.env.CUSTODIA_TEST_ADMIN_URL = server.url;
  (globalThis as { __CUSTODIA_PG__?: typeof server }).__CUSTODIA_PG__ = server;
}
