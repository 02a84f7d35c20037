import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres, withDatabaseName } from '../src/db/connect.js';

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
