import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import type { Config } from './config.js';
import { loadOrCreateMasterKey } from './crypto/keys.js';
import { connectDatabase } from './db/connect.js';
import { startEmbeddedPostgres, type EmbeddedServer } from './db/embedded/server.js';
import { migrateToLatest } from './db/migrate.js';

/** The repository root (where package.json is), whether running from src/ (tsx) or dist/src/ (built). */
export function projectRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json')) && dir !== path.dirname(dir)) dir = path.dirname(dir);
  return dir;
}

export interface Runtime {
  databaseUrl: string;
  masterKey: Buffer;
  embedded: EmbeddedServer | undefined;
}

/**
 * Brings the database up to the point where the application can run: starts the embedded server when no
 * DATABASE_URL is set, applies pending migrations, and loads the master key.
 */
export async function prepareRuntime(
  config: Config,
  logger: Logger,
  options: { supervise?: boolean } = {},
): Promise<Runtime> {
  let embedded: EmbeddedServer | undefined;
  let databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    const dir = path.join(config.dataDir, 'postgres');
    logger.info({ dir }, 'starting embedded PostgreSQL');
    // The server supervises its database (restarts it if it dies); the CLI attaches to a running server's.
    embedded = await startEmbeddedPostgres(dir, (line) => logger.info({ postgres: line }), {
      supervise: options.supervise,
    });
    databaseUrl = embedded.url;
  }
  try {
    const handle = connectDatabase(databaseUrl, { max: 1 });
    try {
      const applied = await migrateToLatest(handle.db);
      if (applied.length > 0) logger.info({ applied }, 'database migrated');
    } finally {
      await handle.close();
    }
    return { databaseUrl, masterKey: loadOrCreateMasterKey(config.masterKey, config.dataDir), embedded };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}
