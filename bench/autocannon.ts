import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const AUTOCANNON = 'node_modules/.bin/autocannon';
/** Seconds each load runs (BENCH_CHECK_SECONDS, default 5). */
export const DURATION_S = Number(process.env.BENCH_CHECK_SECONDS ?? 5);

interface LoadOptions {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  connections?: number;
}

/**
 * Requests per second from autocannon run as its own process (its CLI), so that generating the load takes
 * no CPU time or event-loop turns from the server being measured.
 */
export async function load(url: string, options: LoadOptions, seconds = DURATION_S): Promise<number> {
  const connections = String(options.connections ?? 10);
  const args = ['--json', '-c', connections, '-d', String(seconds), '-m', options.method ?? 'GET'];
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push('-H', `${name}=${value}`);
  if (options.body !== undefined) args.push('-b', options.body);
  const { stdout } = await promisify(execFile)(AUTOCANNON, [...args, url], { maxBuffer: 16 * 1024 * 1024 });
  const result = JSON.parse(stdout) as { non2xx: number; requests: { average: number } };
  if (result.non2xx > 0) throw new Error(`${result.non2xx} non-2xx answers from ${url}`);
  return result.requests.average;
}

/**
 * The same load, after one second of it that is not counted: a server process just started (or a path
 * not yet taken) runs its first requests unoptimised, and the figure is meant for the steady state.
 */
export async function warmLoad(url: string, options: LoadOptions): Promise<number> {
  await load(url, options, 1);
  return load(url, options);
}
