import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** Resolves with the exit code (or signal name) once the process has ended. */
  exited: Promise<number | string>;
  /** Everything the process wrote so far (its JSON log and any stderr), for failure messages. */
  output(): string;
}

/** Runs `src/main.ts` as a real process and resolves once it logs the address it serves on. */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', ...env },
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
        }
      } catch {
        // not a JSON log line
      }
    });
    void exited.then((code) => reject(new Error(`server exited (${code}) before serving: ${stderr}`)));
  });
  return { url, child, exited, output: () => output };
}
