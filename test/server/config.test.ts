import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/server/config';

const production = {
  PUBLIC_URL: 'https://channel.example.com/',
  AMOJO_CHANNEL_ID: '344a5002-f8ca-454d-af3d-396180102ac7',
  AMOJO_CHANNEL_SECRET: 'f2d7f8704eff95087ed45b23ba99c0b5aac8278e',
  AMOJO_BOT_ID: 'bot',
  AMOCRM_CLIENT_ID: 'client',
  AMOCRM_CLIENT_SECRET: 'integration-secret',
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
  it('defaults to sandbox mode with no channel secret', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ sandbox: true, port: 8080, databaseUrl: 'sqlite:./data/channel.db' });
    expect(config.media).toEqual({ dir: './data/media', maxBytes: 50 * 1024 * 1024 });
  });

  it('reads the media settings and refuses a size that is not a whole number of bytes', () => {
    expect(loadConfig({ MEDIA_DIR: '/var/media', MEDIA_MAX_BYTES: '1048576' }).media).toEqual({
      dir: '/var/media',
      maxBytes: 1048576,
    });
    for (const bad of ['lots', '0', '1.5', '-3']) {
      expect(problems({ MEDIA_MAX_BYTES: bad })).toEqual(['MEDIA_MAX_BYTES must be a positive whole number of bytes']);
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
    expect(problems({ DATABASE_URL: 'mysql://x' })).toEqual(['DATABASE_URL must start with sqlite: or postgres://']);
    expect(problems({ DATABASE_URL: 'sqlite:./x.db?synchronous=off' })).toEqual([
      'DATABASE_URL synchronous must be full or normal',
    ]);
    const schema = problems({ DATABASE_URL: 'postgres://u:hunter2@db/x?schema=Bad-Name' });
    expect(schema).toEqual(['DATABASE_URL schema must be a lowercase SQL identifier']);
    expect(schema.join('\n')).not.toContain('hunter2');
  });

  it('refuses plain http for PUBLIC_URL outside the sandbox but allows it inside', () => {
    expect(problems({ ...production, PUBLIC_URL: 'http://channel.example.com' })).toEqual([
      'PUBLIC_URL must be https outside sandbox mode',
    ]);
    expect(loadConfig({ ...production, SANDBOX: '1', PUBLIC_URL: 'http://127.0.0.1:8080' }).sandbox).toBe(true);
  });

  it('treats blank variables as unset', () => {
    expect(loadConfig({ AMOJO_CHANNEL_SECRET: '  ', PORT: '' })).toMatchObject({ sandbox: true, port: 8080 });
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
