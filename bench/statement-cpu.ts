import pg from 'pg';
import { processSeconds } from './cpu.js';

/**
 * `--statement-cpu`: PostgreSQL's CPU during a measured load, by statement, per row. Every 25 ms it reads each
 * backend's CPU (Linux /proc) and what it is running or ran last (`pg_stat_activity`), and charges the CPU used
 * since the last look to that statement. `--statements` (pg_stat_statements) measures time in a statement,
 * and on a machine whose cores are all busy that includes waiting for a core: on 2026-12-08 it put the
 * consent append at 59.7 µs a row where this puts its CPU at ~27. A sample sees one statement of a quick
 * run of them, so short statements are charged in proportion to how often they are the one seen: good for
 * where the CPU goes, not for a statement's own exact cost. Needs the server on this machine (any server:
 * the embedded one too); the sampler's own backend is left out, its Node work is not (a few per cent).
 */
export interface StatementCpu {
  /** Stops sampling and prints the statements that took the most CPU, each per row of the load. */
  print(rows: number): Promise<void>;
}

const INTERVAL_MS = 25;
const TOP = 14;

/** A statement's first words, whitespace folded, as its name. */
const nameOf = (query: string) => query.replace(/\s+/g, ' ').trim().slice(0, 72);

export async function startStatementCpu(connectionString: string): Promise<StatementCpu> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  const last = new Map<number, { seconds: number; running: string | undefined }>();
  const charged = new Map<string, number>();
  let stopped = false;

  const look = async () => {
    const { rows } = await client.query<{
      pid: number;
      backend_type: string;
      state: string | null;
      query: string | null;
    }>(`SELECT pid, backend_type, state, query FROM pg_stat_activity WHERE pid <> pg_backend_pid()`);
    for (const row of rows) {
      const seconds = processSeconds(row.pid);
      if (seconds === undefined) continue;
      const client = row.backend_type === 'client backend';
      const name = client ? nameOf(row.query ?? '') : `(${row.backend_type})`;
      const running = client && row.state === 'active' ? name : undefined;
      const before = last.get(row.pid);
      last.set(row.pid, { seconds, running });
      if (before === undefined || seconds === before.seconds) continue;
      // An idle backend's CPU since the last look went to the statement it was running then, if any, more
      // likely than to the quick one it ran last (a lane's append, then a short update, then idle).
      const to = running ?? before.running ?? name;
      charged.set(to, (charged.get(to) ?? 0) + seconds - before.seconds);
    }
  };
  const sampling = (async () => {
    while (!stopped) {
      await look();
      await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS));
    }
  })();

  return {
    async print(rows: number) {
      stopped = true;
      await sampling;
      await client.end();
      const total = [...charged.values()].reduce((sum, seconds) => sum + seconds, 0);
      const µs = (seconds: number) => ((seconds / rows) * 1e6).toFixed(1).padStart(6);
      console.log(`  PostgreSQL's CPU by statement (sampled every ${INTERVAL_MS} ms; µs a row):`);
      for (const [name, seconds] of [...charged].sort((a, b) => b[1] - a[1]).slice(0, TOP))
        console.log(`    ${µs(seconds)}  ${name}`);
      console.log(`    ${µs(total)}  in all, seen by the sampler`);
    },
  };
}
