import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config';

// RELAY_LINK_CAP (issue 13, fairness): jobs of one link in flight at once; the rest of the schema is in config.test.ts.
describe('loadConfig: RELAY_LINK_CAP', () => {
  const problems = (value: string) => {
    try {
      loadConfig({ SANDBOX: '1', RELAY_LINK_CAP: value });
      return '';
    } catch (error) {
      return (error as Error).message;
    }
  };

  it('is 16 by default and takes 1 to 128', () => {
    expect(loadConfig({ SANDBOX: '1' }).relayLinkCap).toBe(16);
    expect(loadConfig({ SANDBOX: '1', RELAY_LINK_CAP: '1' }).relayLinkCap).toBe(1);
    expect(loadConfig({ SANDBOX: '1', RELAY_LINK_CAP: ' 128 ' }).relayLinkCap).toBe(128);
  });

  it('refuses 0, more than the worker’s 128 slots, and anything not a whole number', () => {
    expect(problems('129')).toContain("RELAY_LINK_CAP must be at most 128, the worker's slots");
    expect(problems('1000')).toContain('RELAY_LINK_CAP');
    for (const bad of ['0', '-1', '1.5', 'sixteen']) {
      expect(problems(bad)).toContain('RELAY_LINK_CAP must be a positive whole number of jobs');
    }
  });

  it('does not by itself make the environment a production one', () => {
    expect(loadConfig({ RELAY_LINK_CAP: '32' })).toMatchObject({ sandbox: true, relayLinkCap: 32 });
  });
});
