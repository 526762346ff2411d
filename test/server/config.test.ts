import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, isSandboxEnv, loadConfig, PRODUCTION_VARIABLES } from '../../src/server/config';

const production = {
  PUBLIC_URL: 'https://channel.example.com/',
  AMOJO_CHANNEL_ID: '344a5002-f8ca-454d-af3d-396180102ac7',
  AMOJO_CHANNEL_SECRET: 'f2d7f8704eff95087ed45b23ba99c0b5aac8278e',
  AMOJO_BOT_ID: 'bot',
  AMOCRM_CLIENT_ID: 'client',
  AMOCRM_CLIENT_SECRET: 'integration-secret',
  AMOCRM_REDIRECT_URI: 'https://channel.example.com/amocrm/oauth',
  DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
};

const problems = (env: Record<string, string | undefined>) => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems;
  }
};

describe('loadConfig', () => {
  it('starts the sandbox in a fresh environment: no production variable at all', () => {
    const config = loadConfig({ PATH: '/usr/bin', HOME: '/root', PORT: '9090', MEDIA_MAX_BYTES: '1024' });
    expect(config).toMatchObject({ sandbox: true, port: 9090, databaseUrl: 'sqlite:./data/channel.db' });
    expect(loadConfig({}).media).toEqual({
      dir: './data/media',
      maxBytes: 50 * 1024 * 1024,
      quotaBytes: 1024 * 1024 * 1024,
      minFreeBytes: undefined,
    });
    expect(isSandboxEnv({})).toBe(true);
  });

  it('starts the sandbox when SANDBOX=1, whatever production variables are set', () => {
    expect(isSandboxEnv({ ...production, SANDBOX: '1' })).toBe(true);
    expect(loadConfig({ DATABASE_URL: 'postgres://u:p@db/prod', SANDBOX: '1' }).sandbox).toBe(true);
  });

  it('means production as soon as one production variable is present, even empty', () => {
    for (const name of PRODUCTION_VARIABLES) {
      expect(isSandboxEnv({ [name]: 'x' })).toBe(false);
      expect(isSandboxEnv({ [name]: '' })).toBe(false);
    }
    expect(isSandboxEnv({ SANDBOX: '0' })).toBe(false);
    expect(problems({ SANDBOX: '0' })).toContain('AMOJO_CHANNEL_SECRET is required outside sandbox mode');
  });

  it('stops on an empty channel secret beside a production database and key, naming it as empty', () => {
    // The failed secret mount: everything else is there; once this started the sandbox against the real database.
    const { AMOJO_CHANNEL_SECRET: _, ...rest } = production;
    const env = { ...rest, DATABASE_URL: 'postgres://u:hunter2@db/prod', AMOJO_CHANNEL_SECRET: '' };
    expect(isSandboxEnv(env)).toBe(false);
    expect(problems(env)).toEqual(['AMOJO_CHANNEL_SECRET is empty; it is required outside sandbox mode']);
    const message = (() => {
      try {
        loadConfig(env);
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toContain('production mode because PUBLIC_URL, DATABASE_URL, AMOJO_CHANNEL_ID');
    expect(message).toContain('set SANDBOX=1 for the offline sandbox');
    expect(message).not.toContain('hunter2');
  });

  it('refuses an empty DATABASE_URL in production instead of falling back to the default file', () => {
    expect(problems({ ...production, DATABASE_URL: ' ' })).toEqual([
      'DATABASE_URL is empty; set it, or leave it unset for sqlite:./data/channel.db',
    ]);
    expect(loadConfig(production).databaseUrl).toBe('sqlite:./data/channel.db');
  });

  it('lists everything missing when only a production database is set', () => {
    expect(problems({ DATABASE_URL: 'postgres://u:p@db/prod' })).toEqual([
      'PUBLIC_URL is required outside sandbox mode',
      'AMOJO_CHANNEL_ID is required outside sandbox mode',
      'AMOJO_CHANNEL_SECRET is required outside sandbox mode',
      'AMOJO_BOT_ID is required outside sandbox mode',
      'AMOCRM_CLIENT_ID is required outside sandbox mode',
      'AMOCRM_CLIENT_SECRET is required outside sandbox mode',
      'AMOCRM_REDIRECT_URI is required outside sandbox mode',
      'DATA_ENCRYPTION_KEY is required outside sandbox mode',
    ]);
  });

  it('reads METRICS_TOKEN, refusing one too short to resist guessing', () => {
    expect(loadConfig(production).metricsToken).toBeUndefined();
    expect(loadConfig({ ...production, METRICS_TOKEN: 'a'.repeat(32) }).metricsToken).toBe('a'.repeat(32));
    expect(problems({ ...production, METRICS_TOKEN: 'short' })).toEqual([
      'METRICS_TOKEN must be at least 16 characters',
    ]);
  });

  it('reads the media settings and refuses a size that is not a whole number of bytes', () => {
    expect(loadConfig({ MEDIA_DIR: '/var/media', MEDIA_MAX_BYTES: '1048576' }).media).toEqual({
      dir: '/var/media',
      maxBytes: 1048576,
      quotaBytes: 1024 * 1024 * 1024,
      minFreeBytes: undefined,
    });
    const limits = loadConfig({ MEDIA_QUOTA_BYTES: '5000000', MEDIA_MIN_FREE_BYTES: '2147483648' }).media;
    expect(limits).toMatchObject({ quotaBytes: 5_000_000, minFreeBytes: 2_147_483_648 });
    for (const bad of ['lots', '0', '1.5', '-3']) {
      expect(problems({ MEDIA_MAX_BYTES: bad })).toEqual(['MEDIA_MAX_BYTES must be a positive whole number of bytes']);
      for (const name of ['MEDIA_QUOTA_BYTES', 'MEDIA_MIN_FREE_BYTES']) {
        expect(problems({ [name]: bad })).toEqual([`${name} must be a positive whole number of bytes`]);
      }
    }
  });

  it('reads a complete production environment', () => {
    const config = loadConfig({ ...production, PORT: '9000', AMOJO_CHANNEL_SECRET_PREVIOUS: '0'.repeat(40) });
    expect(config.sandbox).toBe(false);
    expect(config.port).toBe(9000);
    expect(config.publicUrl).toBe('https://channel.example.com');
    expect(config.channel.secrets).toEqual([production.AMOJO_CHANNEL_SECRET, '0'.repeat(40)]);
    expect(Buffer.from(config.dataEncryptionKey!, 'base64')).toHaveLength(32);
  });

  it('lists every missing production setting at once, naming no value', () => {
    const list = problems({ AMOJO_CHANNEL_SECRET: production.AMOJO_CHANNEL_SECRET });
    expect(list).toEqual([
      'PUBLIC_URL is required outside sandbox mode',
      'AMOJO_CHANNEL_ID is required outside sandbox mode',
      'AMOJO_BOT_ID is required outside sandbox mode',
      'AMOCRM_CLIENT_ID is required outside sandbox mode',
      'AMOCRM_CLIENT_SECRET is required outside sandbox mode',
      'AMOCRM_REDIRECT_URI is required outside sandbox mode',
      'DATA_ENCRYPTION_KEY is required outside sandbox mode',
    ]);
  });

  it('names each malformed value without echoing it', () => {
    const list = problems({
      ...production,
      PORT: 'eighty',
      PUBLIC_URL: 'http://channel.example.com',
      AMOJO_CHANNEL_SECRET: 'not-a-secret',
      DATA_ENCRYPTION_KEY: 'c2hvcnQ=',
      DATABASE_URL: 'mysql://x',
      SANDBOX: 'yes',
    });
    expect(list.map((p) => p.split(' ')[0])).toEqual(
      expect.arrayContaining(['PORT', 'DATABASE_URL', 'AMOJO_CHANNEL_SECRET', 'DATA_ENCRYPTION_KEY', 'SANDBOX']),
    );
    expect(list.join('\n')).not.toContain('not-a-secret');
    expect(list.join('\n')).not.toContain('c2hvcnQ=');
  });

  it("refuses a DATABASE_URL the store could not open, in the store's words and without the password", () => {
    expect(problems({ ...production, DATABASE_URL: 'mysql://x' })).toEqual([
      'DATABASE_URL must start with sqlite: or postgres://',
    ]);
    expect(problems({ ...production, DATABASE_URL: 'sqlite:./x.db?synchronous=off' })).toEqual([
      'DATABASE_URL synchronous must be full or normal',
    ]);
    const schema = problems({ ...production, DATABASE_URL: 'postgres://u:hunter2@db/x?schema=Bad-Name' });
    expect(schema).toEqual(['DATABASE_URL schema must be a lowercase SQL identifier']);
    expect(schema.join('\n')).not.toContain('hunter2');
  });

  it('refuses plain http for PUBLIC_URL outside the sandbox but allows it inside', () => {
    expect(problems({ ...production, PUBLIC_URL: 'http://channel.example.com' })).toEqual([
      'PUBLIC_URL must be https outside sandbox mode',
    ]);
    expect(loadConfig({ ...production, SANDBOX: '1', PUBLIC_URL: 'http://127.0.0.1:8080' }).sandbox).toBe(true);
  });

  it('wants the redirect URI amoCRM sends codes to over https, with no query of its own', () => {
    expect(problems({ ...production, AMOCRM_REDIRECT_URI: 'http://channel.example.com/amocrm/oauth' })).toEqual([
      'AMOCRM_REDIRECT_URI must be https outside sandbox mode',
    ]);
    expect(problems({ ...production, AMOCRM_REDIRECT_URI: 'https://channel.example.com/oauth?x=1' })).toEqual([
      'AMOCRM_REDIRECT_URI must not contain a query (amoCRM adds its own)',
    ]);
  });

  it('reads AMOCRM_API_BASE_URL as the one amoCRM host, without a trailing slash', () => {
    expect(loadConfig({ ...production, AMOCRM_API_BASE_URL: 'http://127.0.0.1:9000/' }).amocrm.apiBaseUrl).toBe(
      'http://127.0.0.1:9000',
    );
    expect(loadConfig(production).amocrm.apiBaseUrl).toBeUndefined();
    expect(problems({ ...production, AMOCRM_API_BASE_URL: 'ftp://x' })).toEqual([
      'AMOCRM_API_BASE_URL must be an absolute URL',
    ]);
    expect(problems({ ...production, AMOCRM_API_BASE_URL: 'http://amocrm.internal' })).toEqual([
      'AMOCRM_API_BASE_URL must be https outside sandbox mode (plain http only to a loopback address)',
    ]);
    expect(problems({ ...production, AMOCRM_REDIRECT_URI: 'https://channel.example.com/' })).toEqual([
      'AMOCRM_REDIRECT_URI must have a path, e.g. /amocrm/oauth',
    ]);
  });

  it('treats blank variables as unset, but a blank production variable still means production', () => {
    expect(loadConfig({ PORT: '', MEDIA_DIR: ' ' })).toMatchObject({ sandbox: true, port: 8080 });
    expect(loadConfig({ ...production, AMOJO_CHANNEL_SECRET_PREVIOUS: ' ' }).channel.secrets).toHaveLength(1);
    expect(problems({ AMOJO_CHANNEL_SECRET: '  ', PORT: '' })).toContain(
      'AMOJO_CHANNEL_SECRET is empty; it is required outside sandbox mode',
    );
  });

  it('reads AMOJO_TIME_WINDOW_SECONDS as a positive whole number, absent meaning no window', () => {
    expect(loadConfig({ ...production, AMOJO_TIME_WINDOW_SECONDS: '86400' }).channel.timeWindowSeconds).toBe(86_400);
    expect(loadConfig(production).channel.timeWindowSeconds).toBeUndefined();
    for (const bad of ['0', '-5', '1.5', 'a day']) {
      expect(problems({ ...production, AMOJO_TIME_WINDOW_SECONDS: bad })).toEqual([
        'AMOJO_TIME_WINDOW_SECONDS must be a positive whole number of seconds',
      ]);
    }
  });
});
