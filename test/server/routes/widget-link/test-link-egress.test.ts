import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEgressFetch } from '../../../../src/egress/create-egress-fetch';
import type { Resolve } from '../../../../src/egress/create-egress-lookup';
import { egressPolicies, parseEgressSettings } from '../../../../src/egress/egress-settings';
import { type Harness, startHarness, startReceiver } from './harness';

const TEST = '/api/widget/link/test';

// A name that resolves to 127.0.0.1, as https://10-0-0-5.nip.io or a rebinding name would: answered by an injected
// resolver, so the test needs neither DNS nor /etc/hosts.
const resolve: Resolve = async (hostname) =>
  hostname === 'messenger.test' ? [{ address: '127.0.0.1', family: 4 }] : Promise.reject(new Error('ENOTFOUND'));

describe('widget link API: test events under the egress guard', () => {
  let h: Harness | undefined;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  beforeEach(async () => {
    receiver = await startReceiver();
  });
  afterEach(async () => {
    await h?.close();
    await receiver.close();
  });

  const start = (allow: string) => {
    // http stays allowed here only because the receiver speaks plain http; the address check is production's.
    const policy = egressPolicies(parseEgressSettings(allow), true).webhooks;
    return startHarness({ deps: { egress: policy, fetch: createEgressFetch(policy, { resolve }) } });
  };
  const hookUrl = () => receiver.url.replace('127.0.0.1', 'messenger.test');

  it('answers 422 "refused by the egress policy" with no status or timing, and sends nothing', async () => {
    h = await start('');
    expect((await h.link(undefined, { webhook_url: hookUrl() })).status).toBe(201);
    const result = await h.call('POST', TEST);
    expect(result.status).toBe(422);
    expect(result.json).toEqual({
      error: expect.objectContaining({
        code: 'webhook_url_not_allowed',
        message: 'The webhook URL was refused by the egress policy.',
        issues: [{ path: 'webhook_url', message: 'was refused by the egress policy' }],
      }),
    });
    expect(JSON.stringify(result.json)).not.toMatch(/duration|http_status|127\.0\.0\.1/);
    expect(receiver.received).toEqual([]);
  });

  it('delivers once EGRESS_ALLOW opens the range the name resolves to', async () => {
    h = await start('127.0.0.1/32');
    await h.link(undefined, { webhook_url: hookUrl() });
    expect((await h.call('POST', TEST)).json).toMatchObject({ outcome: 'delivered', http_status: 200 });
    expect(receiver.received).toHaveLength(1);
  });
});
