import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';

/**
 * CPU seconds used so far by this process and by each PostgreSQL process on the machine (Linux /proc), by
 * process id. A backend or autovacuum worker that ends between two samples is not lost: the postmaster
 * reaps it, and the kernel adds its total to the postmaster's children's time (cutime, cstime), which each
 * process's figure includes. Totals are still compared per process, never summed first.
 */
export interface CpuSample {
  node: number;
  postgres: Map<string, number>;
  /** When it was taken (performance.now(), ms). */
  at: number;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** A process's command and its stat fields after it (field 3 on), from Linux /proc; undefined once it ended. */
function statOf(pid: number | string): { command: string; fields: string[] } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const close = stat.lastIndexOf(')');
    return { command: stat.slice(stat.indexOf('(') + 1, close), fields: stat.slice(close + 2).split(' ') };
  } catch {
    return undefined; // the process ended while we looked
  }
}

/** CPU seconds one process has used so far (utime + stime); undefined once it has ended. */
export function processSeconds(pid: number): number | undefined {
  const stat = statOf(pid);
  return stat && (Number(stat.fields[11]) + Number(stat.fields[12])) / TICKS_PER_SECOND;
}

/**
 * utime + stime + cutime + cstime of every process whose command is `postgres` (none where /proc is not
 * there): its own CPU and that of its children it has reaped — for the postmaster, every ended backend.
 */
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
    const stat = statOf(pid);
    if (stat?.command !== 'postgres') continue;
    // utime, stime, cutime, cstime (fields 14 to 17 of stat)
    const [utime, stime, cutime, cstime] = stat.fields.slice(11, 15).map(Number);
    seconds.set(pid, (utime! + stime! + cutime! + cstime!) / TICKS_PER_SECOND);
  }
  return seconds;
}

/**
 * PostgreSQL CPU seconds between two samples: what each process used since the first. A process that ended
 * in between is in its parent's children's time with its whole life, so what it had used by the first
 * sample is taken off again. Without the children's time, the autovacuum workers that ended during a 1 M-row
 * import were missing: 1.17–1.53 of 2 cores busy by this figure; with it 1.64, against 1.70–1.88 by
 * vmstat in the same run (which also counts the kernel's and every other process's work).
 */
export function postgresSecondsBetween(from: CpuSample, to: CpuSample): number {
  let total = 0;
  for (const [pid, seconds] of to.postgres) total += seconds - (from.postgres.get(pid) ?? 0);
  for (const [pid, seconds] of from.postgres) if (!to.postgres.has(pid)) total -= seconds;
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

/**
 * µs of this process's CPU (every thread, the collector's included) that `work` took: for the component
 * benchmarks, which measure Node's own work without PostgreSQL.
 */
export async function ownCpuMicros(work: () => unknown): Promise<number> {
  const from = process.cpuUsage();
  await work();
  const used = process.cpuUsage(from);
  return used.user + used.system;
}
