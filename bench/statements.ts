import type pg from 'pg';

/**
 * `--statements`: where PostgreSQL's time goes during a measured load, statement by statement, per row,
 * with the pages each one read, dirtied and wrote, and the WAL the load made (full-page images apart).
 * Needs `pg_stat_statements` in the server's `shared_preload_libraries` (docs/scaling.md says how to run one);
 * the embedded server does not load it, so this is for a server given by DATABASE_URL.
 */
export interface StatementsProfile {
  /** Forgets what was counted so far: call just before the measured load. */
  reset(): Promise<void>;
  /** Prints the top statements by time, each per row of the load. */
  print(rows: number): Promise<void>;
}

const TOP = 12;

export async function statementsProfile(pool: pg.Pool): Promise<StatementsProfile> {
  await pool.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
  return {
    async reset() {
      await pool.query(`SELECT pg_stat_statements_reset(), pg_stat_reset_shared('wal')`);
    },
    async print(rows: number) {
      const { rows: top } = await pool.query<{
        us: number;
        calls: string;
        hit: number;
        read: number;
        dirtied: number;
        written: number;
        query: string;
      }>(
        `SELECT total_exec_time * 1000 / $1 AS us, calls, shared_blks_hit::float8 / $1 AS hit,
                shared_blks_read::float8 / $1 AS read, shared_blks_dirtied::float8 / $1 AS dirtied,
                shared_blks_written::float8 / $1 AS written, regexp_replace(query, '\\s+', ' ', 'g') AS query
         FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT ${TOP}`,
        [rows],
      );
      const { rows: wal } = await pool.query<{ records: number; fpi: number; bytes: number }>(
        `SELECT wal_records::float8 / $1 AS records, wal_fpi::float8 / $1 AS fpi, wal_bytes::float8 / $1 AS bytes
         FROM pg_stat_wal`,
        [rows],
      );
      const w = wal[0]!;
      console.log(
        `  WAL per row: ${w.bytes.toFixed(0)} B, ${w.records.toFixed(1)} records, ` +
          `${w.fpi.toFixed(2)} full-page images`,
      );
      console.log('  per row:     µs   pages hit / read / dirtied / written  calls  statement');
      for (const s of top) {
        const pages = [s.hit, s.read, s.dirtied, s.written].map((p) => p.toFixed(2)).join(' / ');
        console.log(
          `  ${s.us.toFixed(1).padStart(12)}  ${pages.padEnd(32)}  ${String(s.calls).padStart(6)}  ${s.query.slice(0, 110)}`,
        );
      }
    },
  };
}
