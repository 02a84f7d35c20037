import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { initdbOf, type PostgresBinaries } from './binaries.js';
import type { ServerUser } from './placement.js';

export const SUPERUSER = 'postgres';
/** The password every cluster was given before passwords were generated; replaced at the next start. */
const LEGACY_PASSWORD = 'openiys';

export const isInitialised = (cluster: string) => existsSync(path.join(cluster, 'PG_VERSION'));

/** The superuser's password lives next to the cluster's link in the data dir, readable by openiys only. */
const passwordFileOf = (dir: string) => path.join(path.dirname(dir), 'postgres-password');

function readPassword(dir: string): string | undefined {
  try {
    return readFileSync(passwordFileOf(dir), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}

const newPassword = () => randomBytes(24).toString('base64url');

/**
 * Creates the cluster: UTF-8, C collation (codes compare byte-wise; nothing is sorted by locale in SQL),
 * SCRAM authentication with a random superuser password, kept in the password file first (a cluster
 * must never exist without a known password). What an interrupted earlier initdb left is cleared.
 */
export async function initialiseCluster(
  dir: string,
  cluster: string,
  binaries: PostgresBinaries,
  user: ServerUser | undefined,
  log: (line: string) => void,
): Promise<void> {
  const password = newPassword();
  writeFileSync(passwordFileOf(dir), password, { mode: 0o600 });
  rmSync(cluster, { recursive: true, force: true });
  mkdirSync(cluster, { mode: 0o700 });
  // initdb reads the password from a file; it sits beside the (still empty) cluster for the run only.
  const pwfile = path.join(path.dirname(cluster), `.initdb-${randomUUID()}`);
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  try {
    if (user) {
      chownSync(cluster, user.uid, user.gid);
      chownSync(pwfile, user.uid, user.gid);
    }
    const args = [
      `--pgdata=${cluster}`,
      `--username=${SUPERUSER}`,
      `--pwfile=${pwfile}`,
      '--auth=scram-sha-256',
      '--encoding=UTF8',
      '--no-locale',
    ];
    const output: string[] = [];
    const code = await new Promise<number | null>((resolve, reject) => {
      const child = spawn(initdbOf(binaries), args, {
        ...user,
        stdio: ['ignore', 'pipe', 'pipe'],
        // None of openiys's environment (the master key, DATABASE_URL) reaches another account's process.
        env: { LC_ALL: 'C' },
      });
      child.once('error', reject);
      for (const stream of [child.stdout!, child.stderr!])
        stream.on('data', (chunk) => output.push(String(chunk)));
      child.once('close', resolve);
    });
    if (code !== 0) throw new Error(`initdb failed (${code}): ${output.join('').trim()}`);
    log('embedded PostgreSQL cluster initialised');
  } finally {
    rmSync(pwfile, { force: true });
  }
}

/**
 * A cluster created before passwords were generated still has the shared constant: replace it with a random
 * one (on a running server) and keep it in the password file. Returns the password to connect with.
 */
export async function ensureOwnPassword(dir: string, url: (password: string) => string): Promise<string> {
  const existing = readPassword(dir);
  if (existing) return existing;
  const password = newPassword();
  const client = new pg.Client({ connectionString: url(LEGACY_PASSWORD) });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query(`ALTER ROLE ${SUPERUSER} PASSWORD ${client.escapeLiteral(password)}`);
  } finally {
    await client.end();
  }
  writeFileSync(passwordFileOf(dir), password, { mode: 0o600 });
  return password;
}
