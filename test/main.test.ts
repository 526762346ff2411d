import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

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
