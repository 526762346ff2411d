import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { signRequest } from '../../../src/amojo/sign-request';
import { ACCOUNT_ID, CHANNEL_ID, SECRET } from './harness';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));

function run(args: string[]): { child: ChildProcess; output: Promise<string>; exit: Promise<number | null> } {
  const child = spawn(tsx, ['src/sandbox/amojo-emulator/cli.ts', ...args], { cwd: root, stdio: 'pipe' });
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => (text += chunk));
  child.stderr?.on('data', (chunk: Buffer) => (text += chunk));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const output = new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', () => {
      if (/listening on \S+/.test(text)) resolve(text);
    });
    void exit.then(() => (text ? resolve(text) : reject(new Error('cli exited without output'))));
  });
  return { child, output, exit };
}

describe('amojo emulator CLI', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('starts on the given options, prints its URL, answers signed calls and stops on SIGTERM', async () => {
    const started = run([
      '--port',
      '0',
      '--channel-id',
      CHANNEL_ID,
      '--secret',
      SECRET,
      '--hook-url',
      'http://127.0.0.1:9/amojo/webhook/:scope_id',
    ]);
    child = started.child;
    const output = await started.output;
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
    expect(url).toBeDefined();
    const path = `/v2/origin/custom/${CHANNEL_ID}/connect`;
    const body = Buffer.from(JSON.stringify({ account_id: ACCOUNT_ID, hook_api_version: 'v2' }));
    const headers = signRequest({ method: 'POST', path, body, secret: SECRET, date: new Date() });
    const response = await fetch(`${url}${path}`, { method: 'POST', headers, body });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { scope_id: string }).scope_id).toBe(`${CHANNEL_ID}_${ACCOUNT_ID}`);
    child.kill('SIGTERM');
    expect(await started.exit).toBe(0);
  }, 20_000);

  it('exits with a usage message when a required option is missing', async () => {
    const started = run(['--secret', SECRET]);
    child = started.child;
    expect(await started.exit).toBe(2);
    expect(await started.output).toMatch(/--channel-id is required[\s\S]*usage:/);
  }, 20_000);
});
