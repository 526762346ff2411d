import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { treeCpuMs } from '../cpu-time';

export interface BenchInstanceInput {
  role: 'ingress' | 'relay';
  databaseUrl: string;
  channelId: string;
  secret: string;
  amojoBaseUrl?: string;
}

const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));
const script = fileURLToPath(new URL('./bench-instance.ts', import.meta.url));

function startOne(input: BenchInstanceInput): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(tsx, [script, JSON.stringify(input)], { stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`bench instance exited with ${code}`)));
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n') && line) resolve({ url: (JSON.parse(line) as { url: string }).url, child });
    });
  });
}

/**
 * `count` backend instances (bench-instance.ts), each a process of its own with its own pool, on one database; all
 * started before any resolves. cpuMs() is their CPU so far (with tsx's launcher), from /proc.
 */
export async function startBenchInstances(count: number, input: BenchInstanceInput) {
  const started = await Promise.all(Array.from({ length: count }, () => startOne(input)));
  const control = (path: string) =>
    Promise.all(started.map(async ({ url }) => (await fetch(`${url}/bench/${path}`, { method: 'POST' })).json()));
  return {
    urls: started.map((s) => s.url),
    cpuMs(): number | undefined {
      let total = 0;
      for (const { child } of started) {
        const ms = treeCpuMs(child.pid ?? 0);
        if (ms === undefined) return undefined;
        total += ms;
      }
      return total;
    },
    /** Bridge requests the instances saw since the last reset: how many, and the first and last as epoch ms. */
    async seen() {
      const all = (await control('seen')) as Array<{ count: number; firstAt: number; lastAt: number }>;
      const active = all.filter((s) => s.count > 0);
      return {
        count: all.reduce((sum, s) => sum + s.count, 0),
        firstAt: Math.min(...active.map((s) => s.firstAt)),
        lastAt: Math.max(...active.map((s) => s.lastAt)),
      };
    },
    reset: () => control('reset'),
    startWorkers: () => control('worker/start'),
    /** Graceful stop of every instance; resolves once all have exited. */
    async stop() {
      for (const { child } of started) child.removeAllListeners('exit');
      const exited = started.map(
        ({ child }) => new Promise<void>((r) => (child.exitCode === null ? child.once('exit', () => r()) : r())),
      );
      await control('stop').catch(() => {});
      const timer = setTimeout(() => {
        for (const { child } of started) child.kill('SIGTERM');
      }, 15_000);
      await Promise.all(exited);
      clearTimeout(timer);
    },
  };
}
