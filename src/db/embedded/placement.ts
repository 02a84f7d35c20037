import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
} from 'node:fs';
import { arch, platform } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { postgresOf, type PostgresBinaries } from './binaries.js';

/** The unprivileged account PostgreSQL runs as when openiys runs as root (PostgreSQL refuses root). */
export interface ServerUser {
  readonly uid: number;
  readonly gid: number;
}

/**
 * Where binaries and clusters go when the server user cannot reach them where they are: root-owned,
 * world-traversable, the usual home of a service's state.
 */
export const STAGING_ROOT = '/var/lib/openiys';

/** Created if missing and made traversable whatever the umask (a private umask is common for root). */
function openDirectory(dir: string): void {
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, 0o755);
}

/** Undefined unless running as root; then the `postgres` account, created (as a system account) if missing. */
export function serverUser(): ServerUser | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const existing = lookUpUser('postgres');
  if (existing) return existing;
  execFileSync('useradd', [
    '--system',
    '--user-group',
    '--no-create-home',
    '--shell',
    '/usr/sbin/nologin',
    'postgres',
  ]);
  const created = lookUpUser('postgres');
  if (!created) throw new Error('Could not create the postgres account for the embedded PostgreSQL');
  return created;
}

function lookUpUser(name: string): ServerUser | undefined {
  try {
    const id = (flag: string) => Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return undefined;
  }
}

/** Asked of the kernel, as that user, so that every way of being shut out (modes, ACLs, mounts) counts. */
const canEnter = (dir: string, user: ServerUser) =>
  spawnSync('/bin/sh', ['-c', 'cd "$1"', 'sh', dir], { ...user, stdio: 'ignore' }).status === 0;
const canRun = (program: string, user: ServerUser) =>
  spawnSync(program, ['--version'], { ...user, stdio: 'ignore' }).status === 0;

/**
 * Binaries the server user can execute. A checkout in a private directory (root's home, mode 0700) keeps
 * node_modules out of that user's reach, so the binaries are then copied once per version to STAGING_ROOT.
 */
export function reachableBinaries(
  binaries: PostgresBinaries,
  user: ServerUser | undefined,
): PostgresBinaries {
  if (!user || canRun(postgresOf(binaries), user)) return binaries;
  const staged = path.join(STAGING_ROOT, `postgres-${binaries.version}-${platform()}-${arch()}`);
  if (!existsSync(postgresOf({ ...binaries, root: staged }))) {
    openDirectory(STAGING_ROOT);
    // Copied under a temporary name and renamed, so that a start interrupted mid-copy (or a concurrent one)
    // never leaves a half-copied tree that looks complete.
    const partial = `${staged}.partial-${process.pid}`;
    cpSync(binaries.root, partial, { recursive: true, verbatimSymlinks: true });
    try {
      renameSync(partial, staged);
    } catch (error) {
      rmSync(partial, { recursive: true, force: true });
      if (!existsSync(staged)) throw error;
    }
  }
  const copy = { ...binaries, root: staged };
  if (!canRun(postgresOf(copy), user)) {
    throw new Error(
      `The postgres account cannot run ${postgresOf(copy)}; set DATABASE_URL or fix its permissions`,
    );
  }
  return copy;
}

/**
 * The directory the cluster lives in, for `dir` (`<data dir>/postgres`). The data dir is ours, so it is
 * opened for traversal (its files, such as the master key, stay 0600). If the server user still cannot
 * reach it (an ancestor is private), the cluster goes to STAGING_ROOT and `dir` becomes a symbolic link to
 * it: the data dir keeps naming its cluster wherever the checkout moves, and nothing above it is opened up.
 */
export function reachableClusterDir(dir: string, user: ServerUser | undefined): string {
  const dataDir = path.dirname(dir);
  mkdirSync(dataDir, { recursive: true });
  if (!user) return dir;
  if (lstatSync(dir, { throwIfNoEntry: false })?.isSymbolicLink()) return realpathSync(dir);
  chmodSync(dataDir, statSync(dataDir).mode | 0o711);
  if (canEnter(dataDir, user)) return dir;
  if (existsSync(dir) && readdirSync(dir).length > 0) {
    throw new Error(
      `The embedded PostgreSQL runs as the postgres account, which cannot reach its cluster in ${dir}. ` +
        `Move the data dir (OPENIYS_DATA_DIR) where it can, or set DATABASE_URL.`,
    );
  }
  rmSync(dir, { recursive: true, force: true });
  const cluster = path.join(STAGING_ROOT, 'clusters', randomUUID());
  openDirectory(STAGING_ROOT);
  openDirectory(path.dirname(cluster));
  symlinkSync(cluster, dir);
  return cluster;
}
