import { readdirSync, readFileSync } from 'node:fs';

/** CPU seconds used so far by this process and by every PostgreSQL process on the machine (Linux /proc). */
export interface CpuSample {
  node: number;
  postgres: number;
}

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** Sums utime + stime of every process whose command is `postgres` (0 where /proc is not there). */
function postgresSeconds(): number {
  let ticks = 0;
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return 0;
  }
  for (const pid of entries) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      if (stat.slice(stat.indexOf('(') + 1, close) !== 'postgres') continue;
      const fields = stat.slice(close + 2).split(' ');
      ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
    } catch {
      // the process ended while we looked
    }
  }
  return ticks / TICKS_PER_SECOND;
}

export function sampleCpu(): CpuSample {
  const { user, system } = process.cpuUsage();
  return { node: (user + system) / 1e6, postgres: postgresSeconds() };
}

/**
 * CPU per row between two samples, for Node (this process) and PostgreSQL (all its processes: run on a
 * machine doing nothing else, or the figure includes other databases' work).
 */
export function cpuPerRow(from: CpuSample, to: CpuSample, rows: number): string {
  const µs = (seconds: number) => ((seconds / rows) * 1e6).toFixed(1);
  return `CPU per row: Node ${µs(to.node - from.node)} µs, PostgreSQL ${µs(to.postgres - from.postgres)} µs`;
}
