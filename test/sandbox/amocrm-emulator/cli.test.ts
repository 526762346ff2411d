import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { CLIENT_ID, CLIENT_SECRET } from './harness';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const tsx = fileURLToPath(new URL('../../../node_modules/.bin/tsx', import.meta.url));

function run(args: string[]) {
  const child = spawn(tsx, ['src/sandbox/amocrm-emulator/cli.ts', ...args], { cwd: root, stdio: 'pipe' });
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

describe('amoCRM emulator CLI', () => {
  let child: ChildProcess | undefined;
  afterEach(() => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
  });

  it('starts on the given options, installs through the control API and stops on SIGTERM', async () => {
    const started = run([
      '--port',
      '0',
      '--client-id',
      CLIENT_ID,
      '--client-secret',
      CLIENT_SECRET,
      '--redirect-uri',
      'http://127.0.0.1:9/amocrm/oauth',
      '--disconnect-url',
      'http://127.0.0.1:9/amocrm/disconnect',
      '--account-id',
      '777',
      '--domain',
      'amocrm.com',
    ]);
    child = started.child;
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(await started.output)?.[1];
    expect(url).toBeDefined();
    const accounts = (await (await fetch(`${url}/_control/accounts`)).json()) as { id: number; domain: string }[];
    expect(accounts).toEqual([expect.objectContaining({ id: 777, domain: 'amocrm.com', installed: false })]);
    const installed = await fetch(`${url}/_control/install`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ accountId: 777 }),
    });
    expect(installed.status).toBe(200);
    expect(((await installed.json()) as { delivery: { state: string } }).delivery.state).toBe('failed');
    child.kill('SIGTERM');
    expect(await started.exit).toBe(0);
  }, 20_000);

  it('exits 2 with the usage when a required option is missing', async () => {
    const started = run(['--client-id', CLIENT_ID]);
    child = started.child;
    expect(await started.exit).toBe(2);
    expect(await started.output).toMatch(/--client-secret is required[\s\S]*usage:/);
  }, 20_000);
});
