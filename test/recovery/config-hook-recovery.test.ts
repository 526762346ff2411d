import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config';

// HOOK_RECOVERY_* (issue 14, missed-hook recovery); the rest of the schema is in test/server/config.test.ts.
describe('loadConfig: HOOK_RECOVERY_*', () => {
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig({ SANDBOX: '1', ...env });
      return '';
    } catch (error) {
      return (error as Error).message;
    }
  };

  it('defaults to a 24 h window, 200 chats and a sweep every 15 minutes', () => {
    expect(loadConfig({ SANDBOX: '1' }).hookRecovery).toEqual({ windowHours: 24, maxChats: 200, everyMs: 900_000 });
  });

  it('takes the bounds, and 0 to turn the periodic sweep off', () => {
    const env = { HOOK_RECOVERY_WINDOW_HOURS: '168', HOOK_RECOVERY_MAX_CHATS: '10000', HOOK_RECOVERY_EVERY_MS: '0' };
    expect(loadConfig({ SANDBOX: '1', ...env }).hookRecovery).toEqual({
      windowHours: 168,
      maxChats: 10_000,
      everyMs: 0,
    });
    const low = { HOOK_RECOVERY_WINDOW_HOURS: '1', HOOK_RECOVERY_MAX_CHATS: '1', HOOK_RECOVERY_EVERY_MS: '60000' };
    expect(loadConfig({ SANDBOX: '1', ...low }).hookRecovery).toEqual({ windowHours: 1, maxChats: 1, everyMs: 60_000 });
    expect(loadConfig({ SANDBOX: '1', HOOK_RECOVERY_EVERY_MS: '86400000' }).hookRecovery.everyMs).toBe(86_400_000);
  });

  it('refuses values out of range or not whole numbers', () => {
    expect(problems({ HOOK_RECOVERY_WINDOW_HOURS: '169' })).toContain('HOOK_RECOVERY_WINDOW_HOURS must be at most 168');
    expect(problems({ HOOK_RECOVERY_WINDOW_HOURS: '0' })).toContain('HOOK_RECOVERY_WINDOW_HOURS');
    expect(problems({ HOOK_RECOVERY_MAX_CHATS: '10001' })).toContain('HOOK_RECOVERY_MAX_CHATS must be at most 10000');
    expect(problems({ HOOK_RECOVERY_MAX_CHATS: '2.5' })).toContain('HOOK_RECOVERY_MAX_CHATS');
    for (const bad of ['59999', '86400001', '-1', 'often']) {
      expect(problems({ HOOK_RECOVERY_EVERY_MS: bad })).toContain('HOOK_RECOVERY_EVERY_MS');
    }
  });
});
