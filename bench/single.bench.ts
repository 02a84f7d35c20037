/**
 * `npm run bench -- single`: single consent adds (İYS "tekil izin ekleme", `POST …/consents`), each a new
 * consent, from 1 and from 10 clients in a separate process (`bench/single-load.ts`), against `GET /health`
 * of the same server in the same run, with the CPU per add of the server and PostgreSQL. Each load follows
 * one uncounted second of itself, so the server is measured warm.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { DURATION_S, warmLoad } from './autocannon.js';
import { startBenchServer, type BenchServer } from './bench-database.js';
import { cpuPerRow, sampleCpu } from './cpu.js';
import { nodeArgs } from './entry-point.js';

/** Runs bench/single-load.ts; numbers from `first` on, so that every load adds new consents. */
async function addLoad(server: BenchServer, seconds: number, clients: number, first: number) {
  const { stdout } = await promisify(execFile)(process.execPath, [
    ...nodeArgs('bench/single-load'),
    server.base,
    server.demoToken,
    String(seconds),
    String(clients),
    String(first),
  ]);
  return JSON.parse(stdout.trim().split('\n').pop()!) as { added: number; seconds: number };
}

export async function benchSingle(): Promise<void> {
  const server = await startBenchServer({ masterKey: randomBytes(32) });
  try {
    const health = await warmLoad(`${server.base}/health`, {});
    const fmt = (n: number) => Math.round(n).toLocaleString('en');
    console.log(`single: one consent a request, new each time; ${DURATION_S} s per load`);
    console.log(`  GET /health, 10 connections : ${fmt(health)} req/s`);
    for (const clients of [1, 10]) {
      // One uncounted second of the same load first (numbers of their own), as warmLoad does.
      await addLoad(server, 1, clients, clients === 1 ? 8_000_000 : 9_000_000);
      const cpu = sampleCpu();
      const { added, seconds } = await addLoad(server, DURATION_S, clients, clients === 1 ? 0 : 5_000_000);
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
