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
  account: { id: 7, subdomain: 'acme' },
  installation: { state: 'missing', grant_url: 'https://www.amocrm.ru/oauth?mode=post_message' },
  viewer: { user_id: 3, is_admin: false },
  links: [],
  limit: 100,
};

describe('createBackendApi', () => {
  it('sends nothing without consent', async () => {
    const { sent, host } = fakeHost({ status: 200, body: JSON.stringify(unlinked), timedOut: false });
    const api = createBackendApi({ host, baseUrl: 'https://b.example', hasConsent: () => false });
    expect(await api.list()).toEqual({ ok: false, failure: { kind: 'consent_required' } });
    expect(sent).toEqual([]);
  });

  it('joins the base URL and contract paths, and sends JSON bodies only where the contract has one', async () => {
    const { sent, host } = fakeHost({ status: 200, body: '{}', timedOut: false });
    const api = createBackendApi({ host, baseUrl: 'https://b.example/channel/', hasConsent: () => true });
    const settings = { title: 'T', webhook_url: 'https://m.example/h', time_window_disabled: false, pipeline_id: 5 };
    await api.list();
    await api.pipelines();
    await api.create({ amojo_id: 'af9945ff-1490-4cad-807d-945c15d88bec', ...settings });
    await api.update('a/b', settings);
    await api.rotate('id-1');
    await api.test('id-1');
    await api.unlink('id-1');
    const base = 'https://b.example/channel/api/widget';
    expect(sent.map(({ method, url }) => `${method} ${url}`)).toEqual([
      `GET ${base}/links`,
      `GET ${base}/pipelines`,
      `POST ${base}/links`,
      // a link id is one path segment, whatever it holds
      `PUT ${base}/links/a%2Fb`,
      `POST ${base}/links/id-1/rotate`,
      `POST ${base}/links/id-1/test`,
      `DELETE ${base}/links/id-1`,
    ]);
    expect(sent.map((r) => r.body)).toEqual([
      undefined,
      undefined,
      JSON.stringify({ amojo_id: 'af9945ff-1490-4cad-807d-945c15d88bec', ...settings }),
      JSON.stringify(settings),
      '{}',
      '{}',
      undefined,
    ]);
  });

  it('returns what the panel reads of a 2xx body that matches the contract, and drops the rest', async () => {
    const { host } = fakeHost({ status: 200, body: JSON.stringify(unlinked), timedOut: false });
    const api = createBackendApi({ host, baseUrl: 'https://b.example', hasConsent: () => true });
    const { account: _account, viewer, ...read } = unlinked;
    expect(await api.list()).toEqual({ ok: true, value: { ...read, viewer: { is_admin: viewer.is_admin } } });
  });

  it.each([
    ['a state outside its set', { installation: { state: 'gone' } }],
    ['a flag that is not a boolean', { viewer: { is_admin: 'no' } }],
    ['a limit that is not a number', { limit: '100' }],
  ])('still refuses a field the panel reads with %s', async (_what, change) => {
    const body = JSON.stringify({ ...unlinked, ...change });
    const { host } = fakeHost({ status: 200, body, timedOut: false });
    const api = createBackendApi({ host, baseUrl: 'https://b.example', hasConsent: () => true });
    expect(await api.list()).toEqual({ ok: false, failure: { kind: 'bad_response', status: 200 } });
  });

  it.each([
    [
      { status: 200, body: '{"links":[]}', timedOut: false },
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
    expect(await api.list()).toEqual({ ok: false, failure });
  });

  it('parses the contract error body with its issues', async () => {
    const error = { error: { code: 'invalid_request', message: 'bad', issues: [{ path: 'title', message: 'x' }] } };
    const { host } = fakeHost({ status: 400, body: JSON.stringify(error), timedOut: false });
    const api = createBackendApi({ host, baseUrl: 'https://b.example', hasConsent: () => true });
    expect(await api.unlink('id-1')).toEqual({
      ok: false,
      failure: {
        kind: 'backend',
        status: 400,
        code: 'invalid_request',
        issues: [{ path: 'title' }],
      },
    });
  });

  it('carries the access popup of account_not_installed', async () => {
    const grantUrl = 'https://www.amocrm.ru/oauth?client_id=c&state=s&mode=post_message';
    const error = { error: { code: 'account_not_installed', message: 'no', grant_url: grantUrl } };
    const { host } = fakeHost({ status: 409, body: JSON.stringify(error), timedOut: false });
    const api = createBackendApi({ host, baseUrl: 'https://b.example', hasConsent: () => true });
    expect(await api.rotate('id-1')).toMatchObject({ ok: false, failure: { code: 'account_not_installed', grantUrl } });
  });
});
