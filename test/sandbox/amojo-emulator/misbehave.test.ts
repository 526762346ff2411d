import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ACCOUNT_ID, type Harness, startHarness } from './harness';

describe('amojo emulator: misbehaviour', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  const connect = () => h.call({ path: h.paths.connect, body: { account_id: ACCOUNT_ID, hook_api_version: 'v2' } });

  it('answers 503 with Retry-After for the next N requests, then behaves again', async () => {
    h.emulator.misbehave({ status: 503, retryAfter: 7, count: 2 });
    for (let i = 0; i < 2; i++) {
      const result = await connect();
      expect(result.status).toBe(503);
      expect(result.headers.get('retry-after')).toBe('7');
    }
    expect((await connect()).status).toBe(200);
    expect(h.emulator.pendingMisbehaviour()).toEqual([]);
  });

  it('answers 429 without Retry-After when none is given, even to unsigned requests', async () => {
    h.emulator.misbehave({ status: 429, count: 1 });
    const result = await fetch(`${h.emulator.url}${h.paths.connect}`, { method: 'POST', body: '{}' });
    expect(result.status).toBe(429);
    expect(result.headers.get('retry-after')).toBeNull();
    expect(h.emulator.listConnections()).toEqual([]);
  });

  it('stalls the next N requests by stallMs, then answers normally', async () => {
    h.emulator.misbehave({ stallMs: 150, count: 1 });
    const started = performance.now();
    const stalled = await connect();
    const stalledMs = performance.now() - started;
    expect(stalled.status).toBe(200);
    expect(stalledMs).toBeGreaterThanOrEqual(140);
    const quick = performance.now();
    await connect();
    expect(performance.now() - quick).toBeLessThan(stalledMs);
  });

  it('applies queued rules in order and never to control requests', async () => {
    h.emulator.misbehave({ status: 502, count: 1 });
    h.emulator.misbehave({ status: 429, retryAfter: 1, count: 1 });
    expect((await fetch(`${h.emulator.url}/_control/state`)).status).toBe(200);
    expect((await connect()).status).toBe(502);
    expect((await connect()).status).toBe(429);
    expect((await connect()).status).toBe(200);
  });

  it('is cleared by clearMisbehaviour and validated', async () => {
    h.emulator.misbehave({ status: 503, count: 5 });
    h.emulator.clearMisbehaviour();
    expect((await connect()).status).toBe(200);
    expect(() => h.emulator.misbehave({ status: 503, count: 0 })).toThrow(/count/);
  });

  it('closes promptly while a request is stalled', async () => {
    h.emulator.misbehave({ stallMs: 60_000, count: 1 });
    const pending = connect().catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await h.emulator.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(Error);
  });
});
