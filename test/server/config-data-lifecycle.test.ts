import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config';

// RETENTION_DAYS and DATA_ENCRYPTION_KEY_PREVIOUS (issue 13, data lifecycle); the rest of the schema is in config.test.ts.
describe('loadConfig: retention and key rotation', () => {
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig({ SANDBOX: '1', ...env });
      return '';
    } catch (error) {
      return (error as Error).message;
    }
  };

  it('keeps 90 days by default, takes 8 or more, and refuses less or anything else', () => {
    expect(loadConfig({ SANDBOX: '1' }).retentionDays).toBe(90);
    expect(loadConfig({ SANDBOX: '1', RETENTION_DAYS: '8' }).retentionDays).toBe(8);
    expect(loadConfig({ SANDBOX: '1', RETENTION_DAYS: ' 365 ' }).retentionDays).toBe(365);
    expect(problems({ RETENTION_DAYS: '7' })).toContain('RETENTION_DAYS must be at least 8 days');
    for (const bad of ['0', '-1', '1.5', 'ninety'])
      expect(problems({ RETENTION_DAYS: bad })).toContain('RETENTION_DAYS');
  });

  it('takes a previous encryption key of the same form as the current one, and never echoes it', () => {
    const previous = randomBytes(32).toString('base64');
    expect(loadConfig({ SANDBOX: '1', DATA_ENCRYPTION_KEY_PREVIOUS: previous }).dataEncryptionKeyPrevious).toBe(
      previous,
    );
    expect(loadConfig({ SANDBOX: '1' }).dataEncryptionKeyPrevious).toBeUndefined();
    const message = problems({ DATA_ENCRYPTION_KEY_PREVIOUS: `${previous.slice(0, 20)}` });
    expect(message).toContain('DATA_ENCRYPTION_KEY_PREVIOUS');
    expect(message).not.toContain(previous.slice(0, 20));
  });
});
