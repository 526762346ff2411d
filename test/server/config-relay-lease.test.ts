import { describe, expect, it } from 'vitest';
import { DEFAULT_LEASE_MS } from '../../src/relay/create-relay-runner';
import { loadConfig } from '../../src/server/config';

// RELAY_LEASE_MS (issue 14, recovery in seconds): how soon a dead worker's jobs come back.
describe('loadConfig: RELAY_LEASE_MS', () => {
  const problems = (value: string) => {
    try {
      loadConfig({ SANDBOX: '1', RELAY_LEASE_MS: value });
      return '';
    } catch (error) {
      return (error as Error).message;
    }
  };

  it('is 10 s by default and takes 5 s to 5 min', () => {
    expect(DEFAULT_LEASE_MS).toBe(10_000);
    expect(loadConfig({ SANDBOX: '1' }).relayLeaseMs).toBe(10_000);
    expect(loadConfig({ SANDBOX: '1', RELAY_LEASE_MS: '5000' }).relayLeaseMs).toBe(5000);
    expect(loadConfig({ SANDBOX: '1', RELAY_LEASE_MS: ' 300000 ' }).relayLeaseMs).toBe(300_000);
  });

  it('refuses a lease a GC pause could outlast, one longer than the retry backoff, and non-numbers', () => {
    expect(problems('4999')).toContain('RELAY_LEASE_MS must be at least 5000 ms');
    expect(problems('300001')).toContain('RELAY_LEASE_MS must be at most 300000 ms');
    for (const bad of ['0', '-1', '1.5', 'ten seconds']) expect(problems(bad)).toContain('RELAY_LEASE_MS');
  });

  it('does not by itself make the environment a production one', () => {
    expect(loadConfig({ RELAY_LEASE_MS: '15000' })).toMatchObject({ sandbox: true, relayLeaseMs: 15_000 });
  });
});
