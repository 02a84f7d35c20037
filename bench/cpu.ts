import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/**
 * CPU seconds used so far by this process and by each PostgreSQL process on the machine (Linux /proc), by
 * process id: a backend or autovacuum worker that ends between two samples takes its total with it, so
 * totals are compared per process, never summed first (that went negative).
 */
export interface CpuSample {
  node: number;
  postgres: Map<string, number>;
  /** When it was taken (performance.now(), ms). */
  at: number;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** utime + stime of every process whose command is `postgres` (none where /proc is not there). */
function postgresSeconds(): Map<string, number> {
  const seconds = new Map<string, number>();
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return seconds;
  }
  for (const pid of entries) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      if (stat.slice(stat.indexOf('(') + 1, close) !== 'postgres') continue;
      const fields = stat.slice(close + 2).split(' ');
      // utime, stime (fields 14 and 15 of stat)
      seconds.set(pid, (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND);
    } catch {
      // the process ended while we looked
    }
  }
  return seconds;
}

/** PostgreSQL CPU seconds between two samples: what each process still running used since the first. */
export function postgresSecondsBetween(from: CpuSample, to: CpuSample): number {
  let total = 0;
  for (const [pid, seconds] of to.postgres) total += seconds - (from.postgres.get(pid) ?? 0);
  return total;
}

export function sampleCpu(): CpuSample {
  const { user, system } = process.cpuUsage();
  return { node: (user + system) / 1e6, postgres: postgresSeconds(), at: performance.now() };
}

/**
 * CPU per row between two samples, for Node (this process) and PostgreSQL (all its processes: run on a
 * machine doing nothing else, or the figure includes other databases' work), and how many of the machine's
 * cores the two kept busy on average: a rate is bound by CPU when that nears the count of cores.
 */
export function cpuPerRow(from: CpuSample, to: CpuSample, rows: number): string {
  const node = to.node - from.node;
  const postgres = postgresSecondsBetween(from, to);
  const µs = (seconds: number) => ((seconds / rows) * 1e6).toFixed(1);
  const busy = (node + postgres) / ((to.at - from.at) / 1000);
  return (
    `CPU per row: Node ${µs(node)} µs, PostgreSQL ${µs(postgres)} µs; ` +
    `${busy.toFixed(2)} of ${availableParallelism()} cores busy`
  );
}
