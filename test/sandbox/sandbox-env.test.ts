import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sandboxBanner } from '../../src/sandbox/sandbox-banner';
import { generateSandboxCredentials, loadSandboxCredentials } from '../../src/sandbox/sandbox-credentials';
import { ignoredBySandbox, sandboxEnv, withoutIgnored } from '../../src/sandbox/sandbox-env';
import { loadConfig, PRODUCTION_VARIABLES } from '../../src/server/config';

const production = {
  SANDBOX: '1',
  PUBLIC_URL: 'https://channel.example.com',
  DATABASE_URL: 'postgres://u:hunter2@db.internal/prod',
  MEDIA_DIR: '/var/lib/channel/media',
  AMOJO_CHANNEL_ID: '344a5002-f8ca-454d-af3d-396180102ac7',
  AMOJO_CHANNEL_SECRET: 'f2d7f8704eff95087ed45b23ba99c0b5aac8278e',
  AMOJO_BOT_ID: 'bot',
  AMOJO_BASE_URL: 'https://amojo.amocrm.ru',
  AMOCRM_CLIENT_ID: 'client',
  AMOCRM_CLIENT_SECRET: 'integration-secret',
  AMOCRM_API_BASE_URL: 'https://prod.amocrm.ru',
  DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
  DATA_ENCRYPTION_KEY_PREVIOUS: randomBytes(32).toString('base64'),
};
const at = {
  dataDir: '/tmp/sbx',
  backendUrl: 'http://127.0.0.1:8080',
  backendPort: 8080,
  amojoUrl: 'http://127.0.0.1:8081',
  amocrmUrl: 'http://127.0.0.1:8084',
  redirectUri: 'http://127.0.0.1:8080/amocrm/oauth',
};

describe('the sandbox environment', () => {
  it('never takes the database, key, public URL, channel or integration from the environment', () => {
    const credentials = generateSandboxCredentials();
    const config = loadConfig(sandboxEnv({ ...production, PORT: '0', METRICS_TOKEN: 'm'.repeat(20) }, credentials, at));
    expect(config).toMatchObject({
      sandbox: true,
      port: 8080,
      publicUrl: 'http://127.0.0.1:8080',
      databaseUrl: 'sqlite:/tmp/sbx/channel.db',
      media: { dir: '/tmp/sbx/media' },
      amojoBaseUrl: 'http://127.0.0.1:8081',
      dataEncryptionKey: credentials.DATA_ENCRYPTION_KEY,
      channel: { id: credentials.AMOJO_CHANNEL_ID, secrets: [credentials.AMOJO_CHANNEL_SECRET] },
      amocrm: {
        clientId: credentials.AMOCRM_CLIENT_ID,
        clientSecret: credentials.AMOCRM_CLIENT_SECRET,
        // every account's OAuth and REST host is the amoCRM emulator, never the environment's
        apiBaseUrl: 'http://127.0.0.1:8084',
        redirectUri: 'http://127.0.0.1:8080/amocrm/oauth',
      },
      // neutral settings still apply
      metricsToken: 'm'.repeat(20),
    });
    expect(JSON.stringify(sandboxEnv(production, credentials, at))).not.toMatch(/hunter2|prod\.amocrm|\/var\/lib/);
  });

  it('names what it set aside, for the start-up line', () => {
    expect(ignoredBySandbox({ ...production, PORT: '0', PATH: '/bin' })).toEqual([
      'AMOCRM_API_BASE_URL',
      'AMOCRM_CLIENT_ID',
      'AMOCRM_CLIENT_SECRET',
      'AMOJO_BASE_URL',
      'AMOJO_BOT_ID',
      'AMOJO_CHANNEL_ID',
      'AMOJO_CHANNEL_SECRET',
      'DATABASE_URL',
      'DATA_ENCRYPTION_KEY',
      'DATA_ENCRYPTION_KEY_PREVIOUS',
      'MEDIA_DIR',
      'PUBLIC_URL',
    ]);
    expect(ignoredBySandbox({ PORT: '0' })).toEqual([]);
    expect(withoutIgnored({ ...production, PORT: '0', METRICS_TOKEN: undefined })).toEqual({ SANDBOX: '1', PORT: '0' });
    const every = Object.fromEntries(PRODUCTION_VARIABLES.map((name) => [name, 'x']));
    expect(ignoredBySandbox(every)).toEqual([...PRODUCTION_VARIABLES].sort());
  });

  it('says loudly that it is a sandbox, and what it ignored', () => {
    expect(sandboxBanner('./data', [])).toMatch(/^\*\*\* SANDBOX MODE: .* Not a production channel\. \*\*\*$/);
    expect(sandboxBanner('./data', ['DATABASE_URL', 'PUBLIC_URL'])).toContain(
      'Ignored from the environment: DATABASE_URL, PUBLIC_URL (set SANDBOX=0 for production).',
    );
  });

  it('keeps a credentials file from before the second user, adding only the manager’s amojo id', () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-credentials-'));
    try {
      const path = join(dir, 'sandbox.json');
      const { SANDBOX_MANAGER_AMOJO_ID: _new, ...older } = generateSandboxCredentials();
      writeFileSync(path, JSON.stringify(older), { mode: 0o600 });
      const loaded = loadSandboxCredentials(path);
      expect(loaded).toMatchObject(older);
      expect(loaded.SANDBOX_MANAGER_AMOJO_ID).toMatch(/^[0-9a-f-]{36}$/);
      expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual(loaded);
      expect(statSync(path).mode & 0o777).toBe(0o600);
      // and the next start reads the same ids
      expect(loadSandboxCredentials(path)).toEqual(loaded);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('points the backend at the amoCRM emulator and its own redirect route', () => {
    const env = sandboxEnv(
      { AMOCRM_REDIRECT_URI: 'https://prod.example/amocrm/oauth' },
      generateSandboxCredentials(),
      at,
    );
    expect(env).toMatchObject({
      AMOCRM_API_BASE_URL: 'http://127.0.0.1:8084',
      AMOCRM_REDIRECT_URI: 'http://127.0.0.1:8080/amocrm/oauth',
    });
    // the page's and the emulator's own ids are not backend settings
    expect(Object.keys(env).filter((name) => name.startsWith('SANDBOX_') && name !== 'SANDBOX')).toEqual([]);
  });
});
