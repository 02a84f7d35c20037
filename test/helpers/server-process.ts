import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { TestDatabase } from './database.js';
import { DEMO, recentWireDate } from './system.js';

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  exited: Promise<number | string>;
  /** Everything the process wrote so far (its JSON log and any stderr), for failure messages. */
  output(): string;
}

/** A sandbox server's environment on a test database of its own, with a fresh master key and no API quota. */
export function sandboxServerEnv(database: TestDatabase): Record<string, string> {
  return {
    DATABASE_URL: database.url,
    DATABASE_OWNER_URL: database.ownerUrl,
    OPENIYS_MASTER_KEY: randomBytes(32).toString('hex'),
    OPENIYS_SANDBOX: 'true',
    OPENIYS_API_REQUESTS_PER_SECOND: '1000000',
  };
}

/**
 * Runs `src/main.ts` as a real process (from `cwd`, the repository by default) and resolves once it logs the
 * address it serves on — or, for `OPENIYS_ROLE=worker`, which serves nothing, once it works the queues (its
 * `url` is then empty).
 */
export async function startServerProcess(env: Record<string, string>, cwd?: string): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd,
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', OPENIYS_PROCESSES: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? -1)),
  );
  let stderr = '';
  let output = '';
  child.stderr!.on('data', (chunk) => {
    stderr += String(chunk);
    output += String(chunk);
  });
  child.stdout!.on('data', (chunk) => (output = (output + String(chunk)).slice(-200_000)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in time: ${stderr}`)), 60_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        const entry = JSON.parse(line) as { msg?: string; address?: string };
        if (entry.msg === 'openiys is serving' && entry.address) {
          clearTimeout(timer);
          resolve(entry.address);
        } else if (entry.msg === 'openiys is working the queues') {
          clearTimeout(timer);
          resolve('');
        }
      } catch {
        // not a JSON log line
      }
    });
    void exited.then((code) => reject(new Error(`server exited (${code}) before serving: ${stderr}`)));
  });
  return { url, child, exited, output: () => output };
}

/** An access token of the sandbox's demo provider from the server at `baseUrl`. */
export async function demoProviderToken(baseUrl: string): Promise<string> {
  const response = await fetch(`${baseUrl}/oauth2/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ grant_type: 'password', username: DEMO.username, password: DEMO.password }),
  });
  return ((await response.json()) as { access_token: string }).access_token;
}

/** An İYS call (POST) to a server process, signed in as the sandbox's demo provider, on its demo brand. */
export async function postAsDemoProvider(
  server: ServerProcess,
  path: string,
  body: unknown,
): Promise<{ status: number; body: unknown }> {
  const token = await demoProviderToken(server.url);
  const response = await fetch(`${server.url}/sps/${DEMO.iysCode}/brands/${DEMO.brandCode}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}

/** Records an SMS ONAY for `recipient` through the API; answers the HTTP status. */
export async function recordDemoConsent(server: ServerProcess, recipient: string): Promise<number> {
  const consent = {
    recipient,
    recipientType: 'BIREYSEL',
    type: 'MESAJ',
    status: 'ONAY',
    source: 'HS_WEB',
    consentDate: recentWireDate(60_000),
  };
  return (await postAsDemoProvider(server, '/consents', consent)).status;
}

/** Creates a gateway (AHS) account for the MESAJ channel with the real CLI; answers its bearer token. */
export async function addGatewayAccount(env: Record<string, string>, name: string): Promise<string> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', 'src/cli.ts', 'gateway', 'add', '--name', name, '--channels', 'MESAJ'],
    { env: { ...process.env, ...env } },
  );
  return /Bearer token: (\S+)/.exec(stdout)![1]!;
}

/** May the demo brand send an SMS to `recipient`, by the gateway of the server at `baseUrl`? */
export async function gatewayAllows(baseUrl: string, bearer: string, recipient: string): Promise<boolean> {
  const response = await fetch(`${baseUrl}/gateway/v1/check`, {
    method: 'POST',
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    body: JSON.stringify({ brandCode: DEMO.brandCode, type: 'MESAJ', recipients: [recipient] }),
  });
  assert.equal(response.status, 200);
  return ((await response.json()) as { results: { allowed: boolean }[] }).results[0]!.allowed;
}
