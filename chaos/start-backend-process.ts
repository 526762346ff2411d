import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

export interface BackendProcess {
  readonly name: string;
  readonly url: string;
  /** Starts the process (again) and resolves once /readyz answers 200. */
  start(): Promise<void>;
  /** kill -9: no graceful stop, leases stay held, in-flight requests are cut. */
  kill(): Promise<void>;
  /** SIGTERM and wait (the end of a run). */
  stop(): Promise<void>;
  readonly running: () => boolean;
}

/**
 * One real backend, `node --import tsx src/main.ts`, exactly as production starts it but for the environment. Its
 * output goes to `logPath` (appended across restarts) so a failing run can be read afterwards.
 */
export function startBackendProcess(name: string, port: number, env: Record<string, string>, logPath: string) {
  const url = `http://127.0.0.1:${port}`;
  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  const log = createWriteStream(logPath, { flags: 'a' });

  const backend: BackendProcess = {
    name,
    url,
    running: () => child !== undefined,
    async start() {
      log.write(`--- ${new Date().toISOString()} start\n`);
      const started = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
        cwd: root,
        env: { ...env, PORT: String(port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = started;
      // If this process dies (a test timeout, Ctrl-C), its backends must not live on holding ports and leases.
      const orphanGuard = () => started.kill('SIGKILL');
      process.once('exit', orphanGuard);
      void new Promise((resolve) => started.once('exit', resolve)).then(() => process.off('exit', orphanGuard));
      started.stdout?.pipe(log, { end: false });
      started.stderr?.pipe(log, { end: false });
      exited = new Promise((resolve) => started.once('exit', () => resolve()));
      let gone = false;
      void exited.then(() => {
        gone = true;
        if (child === started) child = undefined;
      });
      const deadline = Date.now() + 90_000;
      while (Date.now() < deadline) {
        if (gone) throw new Error(`${name} exited during start; see ${logPath}\n${tail(logPath)}`);
        if (await isReady(url)) return;
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`${name} was not ready within 90 s; see ${logPath}`);
    },
    async kill() {
      log.write(`--- ${new Date().toISOString()} kill -9\n`);
      child?.kill('SIGKILL');
      await exited;
    },
    async stop() {
      const stopping = child;
      stopping?.kill('SIGTERM');
      // A graceful stop that hangs must not hang the run: it gets 15 s, then kill -9.
      const timer = setTimeout(() => stopping?.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
      log.end();
    },
  };
  return backend;
}

async function isReady(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(1000) });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}

function tail(path: string): string {
  try {
    return readFileSync(path, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '';
  }
}
