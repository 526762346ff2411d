import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));

/** `npm start` with only `env` set: its exit code and what it printed on stderr. */
async function start(env: Record<string, string>) {
  try {
    await promisify(execFile)(`${root}node_modules/.bin/tsx`, ['src/main.ts'], {
      cwd: root,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      timeout: 30_000,
    });
    return { code: 0, stderr: '' };
  } catch (error) {
    const failed = error as { code: number; stderr: string };
    return { code: failed.code, stderr: failed.stderr };
  }
}

// The environment is checked before anything starts, in the sandbox as well as with a real channel. Each test starts
// a process through tsx, which takes seconds on a loaded 2-core machine: the default 5 s was not enough.
describe('npm start with a bad environment', { timeout: 30_000 }, () => {
  it('stops with a readable list for a bad PORT or SANDBOX, before starting the sandbox', async () => {
    const result = await start({ PORT: 'eighty', SANDBOX: 'yes' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('invalid configuration:');
    expect(result.stderr).toContain('  - PORT ');
    expect(result.stderr).toContain('  - SANDBOX must be 0 or 1');
    expect(result.stderr).not.toContain('    at ');
  });

  it('stops with the list for a DATABASE_URL the store would refuse', async () => {
    const result = await start({ DATABASE_URL: 'sqlite:./never.db?synchronous=off' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('  - DATABASE_URL synchronous must be full or normal');
  });
});

const production = () => ({
  PUBLIC_URL: 'https://channel.example.com',
  AMOJO_CHANNEL_ID: '344a5002-f8ca-454d-af3d-396180102ac7',
  AMOJO_CHANNEL_SECRET: 'f2d7f8704eff95087ed45b23ba99c0b5aac8278e',
  AMOJO_BOT_ID: 'bot',
  AMOCRM_CLIENT_ID: 'client',
  AMOCRM_CLIENT_SECRET: 'integration-secret',
  AMOCRM_REDIRECT_URI: 'https://channel.example.com/amocrm/oauth',
  DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
});

/**
 * `npm start` in a scratch folder until its stdout shows `until`: what it printed by then. It is stopped there (the
 * sandbox would go on to build the widget), so each case costs only the start-up.
 */
async function startUntil(env: Record<string, string>, until: RegExp, cwd: string) {
  const child = spawn(`${root}node_modules/.bin/tsx`, [`${root}src/main.ts`], {
    cwd,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const seen = await new Promise<boolean>((resolve) => {
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (until.test(stdout)) resolve(true);
    });
    void exited.then(() => resolve(false));
  });
  // The whole group, as a terminal's Ctrl-C does: a sandbox still starting goes with its widget build, and a started
  // backend gets the signal twice (from the group and from tsx's relay), which must still stop it gracefully.
  if (seen && child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
  return { seen, stdout, stderr, code: await exited };
}

describe('npm start picks the sandbox only when asked', { timeout: 30_000 }, () => {
  const dirs: string[] = [];
  const scratch = () => {
    const dir = mkdtempSync(join(tmpdir(), 'main-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('starts the sandbox in a fresh environment, saying so first', async () => {
    const run = await startUntil({ PORT: '0' }, /SANDBOX MODE/, scratch());
    expect(run.seen).toBe(true);
    expect(run.stdout.split('\n')[0]).toMatch(/^\*\*\* SANDBOX MODE: .* Not a production channel\. \*\*\*$/);
    expect(run.stdout).not.toContain('Ignored from the environment');
  });

  it('starts the sandbox with SANDBOX=1, naming the production variables it ignores', async () => {
    // even a malformed one: the sandbox does not use it, so it cannot stop it
    const env = { ...production(), SANDBOX: '1', PORT: '0', DATABASE_URL: 'postgres://u:hunter2@db/prod?schema=Bad' };
    const run = await startUntil(env, /Ignored from the environment: [^\n]*\n/, scratch());
    expect(run.seen).toBe(true);
    expect(run.stdout).toContain('DATABASE_URL');
    expect(run.stdout).toContain('DATA_ENCRYPTION_KEY');
    expect(run.stdout).toContain('PUBLIC_URL');
    expect(run.stdout).not.toContain('hunter2');
  });

  it('stops on an empty channel secret beside the rest of production, never falling back to the sandbox', async () => {
    const result = await start({ ...production(), AMOJO_CHANNEL_SECRET: '', DATABASE_URL: 'sqlite:./never.db' });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('invalid configuration:');
    expect(result.stderr).toContain('  - AMOJO_CHANNEL_SECRET is empty; it is required outside sandbox mode');
    expect(result.stderr).toContain('set SANDBOX=1 for the offline sandbox');
  });

  it('stops with the whole list when only some production variables are set', async () => {
    const result = await start({ DATABASE_URL: 'sqlite:./never.db', PUBLIC_URL: 'https://channel.example.com' });
    expect(result.code).toBe(1);
    for (const name of ['AMOJO_CHANNEL_ID', 'AMOJO_CHANNEL_SECRET', 'AMOJO_BOT_ID', 'DATA_ENCRYPTION_KEY']) {
      expect(result.stderr).toContain(`  - ${name} is required outside sandbox mode`);
    }
  });

  it('starts the production backend with a complete environment', async () => {
    const dir = scratch();
    const env = { ...production(), PORT: '0', DATABASE_URL: `sqlite:${join(dir, 'channel.db')}` };
    const run = await startUntil(env, /backend \(production\): http:\/\/\S+\n/, dir);
    expect(run.seen).toBe(true);
    expect(run.stdout).not.toContain('SANDBOX');
    expect(run.code).toBe(0);
  });
});
