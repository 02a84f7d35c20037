/**
 * `npm run bench -- single`: single consent adds (İYS "tekil izin ekleme", `POST …/consents`), each a new
 * consent, from 1 and from 10 clients in a separate process (`bench/single-load.ts`), against `GET /health`
 * of the same server in the same run, with the CPU per add of the server and PostgreSQL.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { DURATION_S, load } from './autocannon.js';
import { startBenchServer } from './bench-database.js';
import { cpuPerRow, sampleCpu } from './cpu.js';

export async function benchSingle(): Promise<void> {
  const server = await startBenchServer({ masterKey: randomBytes(32) });
  try {
    const health = await load(`${server.base}/health`, {});
    const fmt = (n: number) => Math.round(n).toLocaleString('en');
    console.log(`single: one consent a request, new each time; ${DURATION_S} s per load`);
    console.log(`  GET /health, 10 connections : ${fmt(health)} req/s`);
    for (const clients of [1, 10]) {
      const cpu = sampleCpu();
      const { stdout } = await promisify(execFile)(process.execPath, [
        '--import',
        'tsx',
        'bench/single-load.ts',
        server.base,
        server.demoToken,
        String(DURATION_S),
        String(clients),
        String(clients === 1 ? 0 : 5_000_000), // the second load adds new consents too
      ]);
      const { added, seconds } = JSON.parse(stdout.trim().split('\n').pop()!) as {
        added: number;
        seconds: number;
      };
      // The load's first request waits for the process to start: the rate is over the load's own seconds.
      const rate = added / seconds;
      console.log(
        `  adds, ${String(clients).padStart(2)} client(s)          : ${fmt(rate)} req/s → ratio ${(rate / health).toFixed(3)} — ${cpuPerRow(cpu, sampleCpu(), added)}`,
      );
    }
  } finally {
    await server.close();
  }
}
