import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

export interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  non2xx: number;
  errors: number;
  timeouts: number;
}

const tsx = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

/** Runs a load script from bench/load in a child process and returns what it printed. */
export async function runLoad(script: string, input: unknown): Promise<LoadResult> {
  const path = fileURLToPath(new URL(`./${script}`, import.meta.url));
  const { stdout } = await promisify(execFile)(tsx, [path, JSON.stringify(input)], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout);
}
