// `npm start`: build the server and the web app when their output is missing or older than their
// sources, then run the server.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

function newest(dir) {
  let time = 0;
  for (const name of readdirSync(dir)) {
    const full = path.join(dir, name);
    const stat = statSync(full);
    time = Math.max(time, stat.isDirectory() ? newest(full) : stat.mtimeMs);
  }
  return time;
}

function buildIfStale(label, output, sources, command) {
  if (existsSync(output) && statSync(output).mtimeMs >= Math.max(...sources.map(newest))) return;
  console.log(`building ${label}…`);
  const build = spawnSync('npx', command, { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

buildIfStale('the server', 'dist/src/main.js', ['src'], ['tsc', '-p', 'tsconfig.build.json']);
buildIfStale(
  'the web app',
  'web/dist/index.html',
  ['web/src'],
  ['vite', 'build', '--config', 'web/vite.config.ts'],
);

await import(path.resolve('dist/src/main.js'));
