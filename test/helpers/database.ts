import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { withDatabaseName } from '../../src/db/connect.js';

const serverUrl = process.env.OPENIYS_TEST_SERVER_URL;
const template = process.env.OPENIYS_TEST_TEMPLATE;
const runId = process.env.OPENIYS_TEST_RUN;

export interface TestDatabase {
  url: string;
  drop(): Promise<void>;
}

async function admin(text: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(text);
  } finally {
    await client.end();
  }
}

/** A fresh, migrated database cloned from the run's template: each test file gets its own. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (!serverUrl || !template || !runId)
    throw new Error('Run tests with `npm test` (it prepares the database server).');
  const name = `${runId}_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${name} TEMPLATE ${template}`);
  return {
    url: withDatabaseName(serverUrl, name),
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
