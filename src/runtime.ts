import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { loadOrCreateMasterKey } from './crypto/keys.js';
import { connectDatabase } from './db/connect.js';
import { startEmbeddedPostgres, type EmbeddedServer } from './db/embedded/server.js';
import { migrateToLatest } from './db/migrate.js';
import {
  canRewriteEvidence,
  EMBEDDED_SERVING_ROLE,
  ensureLoginRole,
  grantServingRole,
} from './db/serving-role.js';
import { installJobQueues } from './jobs/queues.js';

/** The repository root (where package.json is), whether running from src/ (tsx) or dist/src/ (built). */
export function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && dir !== path.dirname(dir)) dir = path.dirname(dir);
  return dir;
}

export interface Runtime {
  /** The connection the application works with: the serving role's for the server. */
  databaseUrl: string;
  masterKey: Buffer;
  embedded: EmbeddedServer | undefined;
}

/**
 * - `server`: the long-running registry. It supervises the embedded database and serves as a role that owns
 *   nothing and cannot change the evidence (db/serving-role.ts).
 * - `admin`: a CLI command, working as the database owner, next to a running server or on its own.
 */
export type RuntimeRole = 'server' | 'admin';

/**
 * Brings the database up to the point where the application can run: starts the embedded server when no
 * DATABASE_URL is set, applies pending migrations and installs the job queues as the owner, prepares the
 * serving role, and loads the master key.
 */
export async function prepareRuntime(config: Config, logger: Logger, role: RuntimeRole): Promise<Runtime> {
  let embedded: EmbeddedServer | undefined;
  if (!config.databaseUrl) {
    const dir = path.join(config.dataDir, 'postgres');
    logger.info({ dir }, 'starting embedded PostgreSQL');
    embedded = await startEmbeddedPostgres(dir, (line) => logger.info({ postgres: line }), {
      supervise: role === 'server',
    });
    if (embedded.attached && role === 'server') {
      throw new Error(`Another openiys server already runs on ${config.dataDir}; stop it first`);
    }
  }
  try {
    const ownerUrl = embedded?.url ?? config.databaseOwnerUrl ?? config.databaseUrl!;
    // External: DATABASE_URL is the serving role's (the owner's too when no DATABASE_OWNER_URL is set).
    // Embedded: the server creates its serving role, with a fresh password at every start: only this
    // process needs it, so it is kept nowhere.
    const serving: ServingRole | undefined =
      embedded && role === 'server'
        ? { name: EMBEDDED_SERVING_ROLE, password: randomBytes(24).toString('base64url') }
        : config.databaseUrl && config.databaseUrl !== ownerUrl
          ? { name: userOf(config.databaseUrl) }
          : undefined;
    const { applied, ownerCanRewrite } = await prepareDatabase(ownerUrl, serving);
    if (applied.length > 0) logger.info({ applied }, 'database migrated');
    const servingUrl =
      serving?.password !== undefined
        ? withCredentials(ownerUrl, serving.name, serving.password)
        : (config.databaseUrl ?? ownerUrl);
    const databaseUrl = role === 'server' ? servingUrl : ownerUrl;
    if (role === 'server' && databaseUrl === ownerUrl && ownerCanRewrite) {
      logger.warn(
        'serving as a role that owns the event log or is a superuser: it could rewrite history. Set ' +
          'DATABASE_OWNER_URL to the owner and DATABASE_URL to a serving role (see README, Least privilege)',
      );
    }
    return { databaseUrl, masterKey: loadOrCreateMasterKey(config.masterKey, config.dataDir), embedded };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}

const userOf = (url: string) => decodeURIComponent(new URL(url).username);

function withCredentials(url: string, user: string, password: string): string {
  const parsed = new URL(url);
  parsed.username = encodeURIComponent(user);
  parsed.password = encodeURIComponent(password);
  return parsed.toString();
}

/** The role the server works as; with a password, it is created (or re-keyed) too. */
export interface ServingRole {
  name: string;
  password?: string;
}

/**
 * What the owner does before anyone serves: applies pending migrations, installs the job queues, creates
 * the serving role when it comes with a password, and grants it its rights. Also says whether the owner
 * could rewrite history (an external database given only DATABASE_URL serves as its owner: allowed, as
 * before, but warned about at every start). The test runner prepares its template the same way.
 */
export async function prepareDatabase(
  ownerUrl: string,
  serving: ServingRole | undefined,
): Promise<{ applied: string[]; ownerCanRewrite: boolean }> {
  const owner = connectDatabase(ownerUrl, { max: 1 });
  try {
    const applied = await migrateToLatest(owner.db);
    await installJobQueues(ownerUrl);
    if (serving?.password !== undefined) await ensureLoginRole(owner.db, serving.name, serving.password);
    if (serving) await grantServingRole(owner.db, serving.name);
    return { applied, ownerCanRewrite: await canRewriteEvidence(owner.db) };
  } finally {
    await owner.close();
  }
}
