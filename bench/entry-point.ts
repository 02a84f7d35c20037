/**
 * How a benchmark starts one of this repository's programs in a child process (a server, a load
 * generator): the way the benchmark itself runs. `npm run bench` runs the tsc build in `dist-bench/`, the
 * same compiler output `npm start` serves, because tsx's transform costs the hot paths CPU that the build
 * does not (its name-keeping helper runs for every closure made: ~3 µs of Node an imported row).
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const built = import.meta.url.endsWith('.js');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), built ? '../..' : '..');

/** `node` arguments that run `entry` (a path from the repository root without its extension, e.g. `src/main`). */
export function nodeArgs(entry: string): string[] {
  return built
    ? [path.join(root, 'dist-bench', `${entry}.js`)]
    : ['--import', 'tsx', path.join(root, `${entry}.ts`)];
}
