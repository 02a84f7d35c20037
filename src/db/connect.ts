import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import type { Database } from './types.js';

// timestamptz → Date (pg's default), bigint ids stay strings (JS numbers lose precision past 2^53).
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => value);

export interface DatabaseHandle {
  readonly url: string;
  readonly db: Kysely<Database>;
  readonly pool: pg.Pool;
  close(): Promise<void>;
}

export function connectDatabase(url: string, options: { max?: number } = {}): DatabaseHandle {
  // A connection attempt to a database that is down or restarting fails within seconds instead of
  // holding a request (or /ready) forever.
  const pool = new pg.Pool({ connectionString: url, max: options.max ?? 10, connectionTimeoutMillis: 5000 });
  // A client losing its server (restart, crash, failover) emits 'error'. The pool listens while a client is
  // idle, but nobody does while Kysely holds one for a query or a transaction, and an unheard 'error' ends
  // the process. The query in flight fails with the same error (answered 503), and the pool replaces the
  // client, so hearing it is all that is needed.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { url, db, pool, close: () => db.destroy() };
}

/** Same server, another database: used by tests (one database per test file) and benchmarks. */
export function withDatabaseName(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}
