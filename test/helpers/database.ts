import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { withDatabaseName } from '../../src/db/connect.js';

const serverUrl = process.env.OPENIYS_TEST_SERVER_URL;
const template = process.env.OPENIYS_TEST_TEMPLATE;
const runId = process.env.OPENIYS_TEST_RUN;
const servingRole = process.env.OPENIYS_TEST_SERVING_ROLE;
const servingPassword = process.env.OPENIYS_TEST_SERVING_PASSWORD;

export interface TestDatabase {
  /** As the serving role, which the server uses in production: what systems under test connect with. */
  url: string;
  /** As the owner (a superuser): for tests that set up or inspect what the serving role may not touch. */
  ownerUrl: string;
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

/**
 * A fresh, migrated database cloned from the run's template: each test file gets its own. `empty`: a blank
 * database instead (no tables, no job queues), for tests of what a first start creates.
 */
export async function createTestDatabase(options: { empty?: boolean } = {}): Promise<TestDatabase> {
  if (!serverUrl || !template || !runId || !servingRole || !servingPassword)
    throw new Error('Run tests with `npm test` (it prepares the database server).');
  const name = `${runId}_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE ${name} TEMPLATE ${options.empty ? 'template0' : template}`);
  const ownerUrl = withDatabaseName(serverUrl, name);
  const serving = new URL(ownerUrl);
  serving.username = servingRole;
  serving.password = encodeURIComponent(servingPassword);
  return {
    url: serving.toString(),
    ownerUrl,
    drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}

/**
 * An event left uncommitted: a writer that took its event id (below the next writes') and commits last.
 * It repeats the latest event's recipient and brand with the given identity, as an ONAY from a provider.
 */
export async function beginLateEvent(
  url: string,
  identity: { recipientType: string; type: string },
  options: { triggersOff?: boolean } = {},
): Promise<{ commit(): Promise<void> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // As a superuser's load may write (no NOTIFY): only the owner's URL may ask for it.
    if (options.triggersOff) await client.query('SET session_replication_role = replica');
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO consent_events (transaction_id, brand_id, recipient_key, recipient_type, type, status, source,
         consent_date, creation_date, actor_kind, actor_id, leaf_hash)
       SELECT encode(sha256(e.leaf_hash), 'hex'), e.brand_id, e.recipient_key, $1, $2, 'ONAY', 'HS_WEB',
              now(), now(), 'provider', '1', sha256(e.leaf_hash)
       FROM consent_events e ORDER BY e.id DESC LIMIT 1`,
      [identity.recipientType, identity.type],
    );
  } catch (error) {
    await client.end();
    throw error;
  }
  return {
    async commit() {
      await client.query('COMMIT').finally(() => client.end());
    },
  };
}

/**
 * Holds the log readers' horizon (repositories/log-horizon.ts) of the database `url` names where it is: a
 * transaction there that has taken a transaction id and stays open. Nothing written meanwhile reaches that
 * database's changes feed or notice reader until `release`, so writes made in between are read as one batch.
 */
export async function holdLogHorizon(url: string): Promise<{ release(): Promise<void> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query('BEGIN');
  await client.query('SELECT pg_current_xact_id()');
  return {
    async release() {
      await client.query('ROLLBACK').finally(() => client.end());
    },
  };
}
