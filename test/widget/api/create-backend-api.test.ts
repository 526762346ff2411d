import { describe, expect, it } from 'vitest';
import { createBackendApi } from '../../../widget/api/create-backend-api';
import type { HostRequest, HostResponse } from '../../../widget/host/crm-host';

function fakeHost(answer: HostResponse) {
  const sent: HostRequest[] = [];
  return {
    sent,
    host: {
      request: async (request: HostRequest) => {
        sent.push(request);
        return answer;
      },
    },
  };
}

const unlinked = {
  state: 'unlinked',
  account: { id: 7, subdomain: 'acme' },
  installation: { state: 'missing', grant_url: 'https://www.amocrm.ru/oauth?mode=post_message' },
  viewer: { user_id: 3, is_admin: false },
};

describe('createBackendApi', () => {
  it('sends nothing without consent', async () => {
    const { sent, host } = fakeHost({ status: 200, body: JSON.stringify(unlinked), timedOut: false });
    const api = createBackendApi({ host, baseUrl: 'https://b.example', hasConsent: () => false });
    expect(await api.getStatus()).toEqual({ ok: false, failure: { kind: 'consent_required' } });
    expect(sent).toEqual([]);
  });

  it('joins the base URL and contract paths, and sends JSON bodies only where the contract has one', async () => {
    const { sent, host } = fakeHost({ status: 200, body: '{}', timedOut: false });
    const api = createBackendApi({ host, baseUrl: 'https://b.example/channel/', hasConsent: () => true });
    await api.getStatus();
    await api.rotate();
    await api.test();
    await api.unlink();
    expect(sent).toEqual([
      { method: 'GET', url: 'https://b.example/channel/api/widget/link' },
      { method: 'POST', url: 'https://b.example/channel/api/widget/link/rotate', body: '{}' },
      { method: 'POST', url: 'https://b.example/channel/api/widget/link/test', body: '{}' },
      { method: 'DELETE', url: 'https://b.example/channel/api/widget/link' },
    ]);
  });

  it('returns a 2xx body that matches the contract', async () => {
    const { host } = fakeHost({ status: 200, body: JSON.stringify(unlinked), timedOut: false });
    const api = createBackendApi({ host, baseUrl: 'https://b.example', hasConsent: () => true });
    expect(await api.getStatus()).toEqual({ ok: true, value: unlinked });
  });

  it.each([
    [
      { status: 200, body: '{"state":"linked"}', timedOut: false },
      { kind: 'bad_response', status: 200 },
    ],
    [
      { status: 200, body: 'not json', timedOut: false },
      { kind: 'bad_response', status: 200 },
    ],
    [
      { status: 500, body: '<h1>oops</h1>', timedOut: false },
      { kind: 'bad_response', status: 500 },
    ],
    [{ status: 0, body: '', timedOut: false }, { kind: 'network' }],
    [{ status: 0, body: '', timedOut: true }, { kind: 'timeout' }],
  ])('turns %j into a typed failure', async (answer, failure) => {
    const { host } = fakeHost(answer);
    const api = createBackendApi({ host, baseUrl: 'https://b.example', hasConsent: () => true });
    expect(await api.getStatus()).toEqual({ ok: false, failure });
  });

  it('parses the contract error body with its issues', async () => {
    const error = { error: { code: 'invalid_request', message: 'bad', issues: [{ path: 'title', message: 'x' }] } };
    const { host } = fakeHost({ status: 400, body: JSON.stringify(error), timedOut: false });
    const api = createBackendApi({ host, baseUrl: 'https://b.example', hasConsent: () => true });
    expect(await api.unlink()).toEqual({
      ok: false,
      failure: {
        kind: 'backend',
        status: 400,
        code: 'invalid_request',
        message: 'bad',
        issues: [{ path: 'title', message: 'x' }],
      },
    });
  });

  it('carries the access popup of account_not_installed', async () => {
    const grantUrl = 'https://www.amocrm.ru/oauth?client_id=c&state=s&mode=post_message';
    const error = { error: { code: 'account_not_installed', message: 'no', grant_url: grantUrl } };
    const { host } = fakeHost({ status: 409, body: JSON.stringify(error), timedOut: false });
    const api = createBackendApi({ host, baseUrl: 'https://b.example', hasConsent: () => true });
    expect(await api.rotate()).toMatchObject({ ok: false, failure: { code: 'account_not_installed', grantUrl } });
  });
});
