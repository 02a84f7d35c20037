import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { withDatabaseName } from '../src/db/connect.js';
import { startEmbeddedPostgres } from '../src/db/embedded/server.js';
import { prepareDatabase } from '../src/runtime.js';
import { createSystem, SANDBOX_MESSAGING, type System, type SystemOptions } from '../src/system.js';

export interface BenchDatabase {
  url: string;
  close(): Promise<void>;
}

/** A throwaway database on DATABASE_URL's server, or on an embedded server started for the run. */
export async function createBenchDatabase(): Promise<BenchDatabase> {
  let serverUrl = process.env.DATABASE_URL;
  let stopEmbedded: (() => Promise<void>) | undefined;
  let dir: string | undefined;
  if (!serverUrl) {
    dir = mkdtempSync(path.join(tmpdir(), 'openiys-bench-pg-'));
    const embedded = await startEmbeddedPostgres(path.join(dir, 'postgres'));
    serverUrl = embedded.url;
    stopEmbedded = () => embedded.stop();
    // A run stopped with Ctrl-C or kill takes its server (and its gigabytes) with it, even when the queries
    // the stop interrupts end the process first.
    const embeddedDir = dir;
    for (const signal of ['SIGINT', 'SIGTERM'] as const) {
      process.once(signal, () => {
        process.once('exit', () => rmSync(embeddedDir, { recursive: true, force: true }));
        void embedded.stop().finally(() => process.exit(130));
      });
    }
  }
  const name = `openiys_bench_${process.pid}`;
  const admin = async (text: string) => {
    const client = new pg.Client({ connectionString: serverUrl });
    await client.connect();
    await client.query(text).finally(() => client.end());
  };
  await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin(`CREATE DATABASE ${name}`);
  return {
    url: withDatabaseName(serverUrl, name),
    async close() {
      await admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await stopEmbedded?.();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs `tasks` with at most `limit` in flight. */
export async function runWithConcurrency<T>(tasks: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < tasks.length) {
        const index = next++;
        results[index] = await tasks[index]!();
      }
    }),
  );
  return results;
}

export interface BenchServer {
  system: System;
  base: string;
  /** The bench database's URL, for more processes or systems on it. */
  databaseUrl: string;
  /** The sandbox provider's API token (user `demo`). */
  demoToken: string;
  close(): Promise<void>;
}

/** The whole system on a fresh bench database and a free port, with the sandbox seeded and signed in. */
export async function startBenchServer(options: Partial<SystemOptions> = {}): Promise<BenchServer> {
  const database = await createBenchDatabase();
  await prepareDatabase(database.url, undefined); // migrations and job queues, as `npm start` does
  const system = await createSystem({
    databaseUrl: database.url,
    masterKey: randomBytes(32),
    logger: pino({ level: 'warn' }),
    tokenRequestsPerHour: 1e6,
    apiRequestsPerSecond: 1e6,
    // Throughput runs use sequential numbers, which is what the gateway's scan guard looks for.
    abuseLimits: {
      gatewayRequestsPerSecond: 1e6,
      gatewayRecipientsPerMinute: 1e12,
      gatewayScanRecipientsPerHour: 1e12,
    },
    messaging: SANDBOX_MESSAGING,
    ...options,
  });
  await system.providerAdmin.seedDemo();
  const base = await system.app.listen({ port: 0, host: '127.0.0.1' });
  const answer = await fetch(`${base}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'password', username: 'demo', password: 'demo-password-123' }),
  });
  const { access_token: demoToken } = (await answer.json()) as { access_token: string };
  return {
    system,
    base,
    databaseUrl: database.url,
    demoToken,
    async close() {
      await system.close();
      await database.close();
    },
  };
}
