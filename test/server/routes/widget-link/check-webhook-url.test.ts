import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { egressPolicies, parseEgressSettings } from '../../../../src/egress/egress-settings';
import { AppError } from '../../../../src/http/app-error';
import { checkWebhookUrl } from '../../../../src/server/routes/widget-link/check-webhook-url';
import { type Harness, startHarness } from './harness';

// The sandbox opens loopback through its allow list (sandbox-env.ts), as a deployment opens a range with EGRESS_ALLOW.
const policies = {
  production: egressPolicies(parseEgressSettings(), false).webhooks,
  sandbox: egressPolicies(parseEgressSettings('127.0.0.0/8,::1/128'), true).webhooks,
  privateNet: egressPolicies(parseEgressSettings('10.20.0.0/16'), false).webhooks,
};

function refusal(url: string, sandbox: boolean | 'privateNet'): string | null {
  try {
    checkWebhookUrl(url, policies[sandbox === 'privateNet' ? sandbox : sandbox ? 'sandbox' : 'production']);
    return null;
  } catch (error) {
    if (error instanceof AppError && error.code === 'webhook_url_not_allowed') return error.issues?.[0]?.message ?? '';
    throw error;
  }
}

describe('checkWebhookUrl', () => {
  it.each([
    'https://messenger.example.com/hook',
    'https://8.8.8.8/hook',
    'https://[2001:4860:4860::8888]/hook',
    'https://messenger.example.com:8443/a?b=c',
  ])('allows %s in production', (url) => {
    expect(refusal(url, false)).toBeNull();
  });

  it.each([
    ['http://messenger.example.com/hook', 'https'],
    ['https://user:pw@messenger.example.com/hook', 'password'],
    ['https://token@messenger.example.com/hook', 'password'],
    ['https://127.0.0.1/hook', 'loopback'],
    ['https://127.1/hook', 'loopback'],
    ['https://2130706433/hook', 'loopback'],
    ['https://localhost/hook', 'loopback'],
    ['https://api.localhost/hook', 'loopback'],
    ['https://10.1.2.3/hook', 'private'],
    ['https://172.20.0.1/hook', 'private'],
    ['https://192.168.1.1/hook', 'private'],
    ['https://169.254.169.254/latest', 'link-local'],
    ['https://100.64.0.1/hook', 'private'],
    ['https://0.0.0.0/hook', 'private'],
    ['https://[::1]/hook', 'loopback'],
    ['https://[::ffff:127.0.0.1]/hook', 'loopback'],
    ['https://[fd00::1]/hook', 'private'],
    ['https://[fe80::1]/hook', 'link-local'],
    ['https://[::a9fe:a9fe]/latest', 'link-local'],
    ['https://[2002:a00:5::1]/hook', 'private'],
    ['https://[64:ff9b:1::a00:5]/hook', 'private'],
    ['https://[64:ff9b::a9fe:a9fe]/latest', 'private'],
  ])('refuses %s in production', (url, word) => {
    expect(refusal(url, false)).toContain(word);
  });

  it('allows plain http and loopback in the sandbox, never credentials', () => {
    expect(refusal('http://127.0.0.1:4000/hook', true)).toBeNull();
    expect(refusal('http://localhost:4000/hook', true)).toBeNull();
    expect(refusal('http://u:p@127.0.0.1:4000/hook', true)).toContain('password');
    expect(refusal('http://10.0.0.5/hook', true)).toContain('private');
  });

  it('lets EGRESS_ALLOW open one range and nothing beside it', () => {
    expect(refusal('https://10.20.3.4/hook', 'privateNet')).toBeNull();
    expect(refusal('https://[::ffff:10.20.3.4]/hook', 'privateNet')).toBeNull();
    expect(refusal('https://10.21.0.1/hook', 'privateNet')).toContain('private');
    expect(refusal('http://10.20.3.4/hook', 'privateNet')).toContain('https');
  });
});

describe('widget link API: webhook URL policy at the route', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  it('answers 422 naming webhook_url and leaves amojo alone', async () => {
    const result = await h.link(undefined, { webhook_url: 'http://10.0.0.5/hook' });
    expect(result.status).toBe(422);
    expect(result.json.error).toMatchObject({
      code: 'webhook_url_not_allowed',
      issues: [{ path: 'webhook_url', message: 'must use https' }],
    });
    expect(h.emulator.listConnections()).toEqual([]);
  });
});
