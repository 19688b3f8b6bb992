import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

export type TestDatabase = {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
};

const adminUrl = (): string => {
  const url = process.env.CUSTODIA_TEST_ADMIN_URL;
  if (!url)
    throw new Error('CUSTODIA_TEST_ADMIN_URL is not set: run tests through jest (global setup).');
  return url;
};

const withAdmin = async <T>(fn: (client: Client) => Promise<T>): Promise<T> => {
  const client = new Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
};

const urlFor = (database: string): string => {
  const url = new URL(adminUrl());
  url.pathname = `/${database}`;
  return url.toString();
};

/** A fresh, empty database for one suite, so suites run in parallel without sharing state. */
export const createTestDatabase = async (label = 'suite'): Promise<TestDatabase> => {
  const safe = label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .slice(0, 30);
  const name = `t_${safe}_${randomBytes(4).toString('hex')}`;
  await withAdmin((client) => client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`));
  return {
    url: urlFor(name),
    name,
    drop: () =>
      withAdmin((client) =>
        client.query(`DROP DATABASE IF EXISTS ${client.escapeIdentifier(name)} WITH (FORCE)`),
      ).then(() => undefined),
  };
};
