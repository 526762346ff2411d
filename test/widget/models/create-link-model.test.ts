import { describe, expect, it } from 'vitest';
import type { LinkStatus } from '../../../src/contracts/link';
import type { ApiResult, BackendApi } from '../../../widget/api/backend-api';
import { createLinkModel } from '../../../widget/models/create-link-model';
import { linkedStatus, testCredentials, unlinkedStatus } from '../harness/link-fixtures';

const account = { id: 7, subdomain: 'acme' };
const linked = linkedStatus(account);
const credentials = testCredentials;

/** A BackendApi whose answers the test releases one at a time. */
function controlledApi() {
  const pending: Array<(result: ApiResult<unknown>) => void> = [];
  const call = () => new Promise<ApiResult<never>>((resolve) => pending.push(resolve as never));
  const api: BackendApi = { getStatus: call, link: call, rotate: call, test: call, unlink: call };
  return { api, answer: (result: ApiResult<unknown>) => pending.shift()?.(result) };
}

describe('createLinkModel', () => {
  it('moves idle -> loading -> unlinked -> linking -> linked, keeping credentials from the link', async () => {
    const { api, answer } = controlledApi();
    const model = createLinkModel(api);
    expect(model.view.value).toBe('idle');
    const load = model.load();
    expect(model.view.value).toBe('loading');
    answer({ ok: true, value: unlinkedStatus(account) satisfies LinkStatus });
    await load;
    expect(model.view.value).toBe('unlinked');
    const link = model.link({
      amojo_id: linked.amojo_id,
      title: 'Chat',
      webhook_url: linked.webhook_url,
      time_window_disabled: false,
    });
    expect(model.view.value).toBe('linking');
    answer({ ok: true, value: { created: true, status: linked, credentials } });
    expect(await link).toMatchObject({ ok: true });
    expect(model.view.value).toBe('linked');
    expect(model.credentials.value).toEqual(credentials);
    expect(model.lastSuccess.value).toBe('link');
  });

  it('runs one action at a time', async () => {
    const { api, answer } = controlledApi();
    const model = createLinkModel(api);
    const first = model.load();
    expect(await model.test()).toEqual({ ok: false, failure: { kind: 'busy' } });
    answer({ ok: true, value: linked });
    await first;
    expect(model.busy.value).toBeNull();
  });

  it('shows a failed load as an error view and a not_linked answer as unlinked', async () => {
    const { api, answer } = controlledApi();
    const model = createLinkModel(api);
    const load = model.load();
    answer({ ok: false, failure: { kind: 'network' } });
    await load;
    expect(model.view.value).toBe('error');
    expect(model.failure.value).toEqual({ action: 'load', failure: { kind: 'network' } });
    const retry = model.load();
    answer({ ok: true, value: linked });
    await retry;
    const rotate = model.rotate();
    answer({ ok: false, failure: { kind: 'backend', status: 404, code: 'not_linked', message: '', issues: [] } });
    await rotate;
    expect(model.status.value).toEqual(unlinkedStatus(account));
  });

  it('unlink purges the credentials; dispose drops late answers', async () => {
    const { api, answer } = controlledApi();
    const model = createLinkModel(api);
    const rotate = model.rotate();
    answer({ ok: true, value: { status: linked, credentials } });
    await rotate;
    const unlink = model.unlink();
    answer({ ok: true, value: { status: unlinkedStatus(account) } });
    await unlink;
    expect(model.credentials.value).toBeNull();
    const late = model.load();
    model.dispose();
    answer({ ok: true, value: linked });
    await late;
    expect(model.status.value?.state).toBe('unlinked');
  });

  it('treats an API call that throws or rejects as a network failure and always clears busy', async () => {
    const { api } = controlledApi();
    const model = createLinkModel({
      ...api,
      getStatus: () => {
        throw new TypeError('$authorizedAjax is not a function');
      },
      test: () => Promise.reject(new TypeError('done is not a function')),
    });
    expect(await model.load()).toEqual({ ok: false, failure: { kind: 'network' } });
    expect(model.busy.value).toBeNull();
    expect(model.view.value).toBe('error');
    expect(model.failure.value).toEqual({ action: 'load', failure: { kind: 'network' } });
    expect(await model.test()).toEqual({ ok: false, failure: { kind: 'network' } });
    expect(model.busy.value).toBeNull();
    expect(model.failure.value).toEqual({ action: 'test', failure: { kind: 'network' } });
  });

  it('settled() resolves once the action in flight has finished, and at once when none runs', async () => {
    const { api, answer } = controlledApi();
    const model = createLinkModel(api);
    await model.settled();
    const load = model.load();
    let settled = false;
    void model.settled().then(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(settled).toBe(false);
    answer({ ok: true, value: linked });
    await load;
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(settled).toBe(true);
    expect(model.busy.value).toBeNull();
  });

  it('never calls a link that is not connected "linked", and says which access it needs', async () => {
    const { api, answer } = controlledApi();
    const model = createLinkModel(api);
    const grant_url = 'https://www.amocrm.ru/oauth?mode=post_message';
    const load = model.load();
    answer({ ok: true, value: { ...linked, connected: false, installation: { state: 'removed', grant_url } } });
    await load;
    expect(model.view.value).toBe('paused');
    expect(model.access.value).toEqual({ state: 'removed', grantUrl: grant_url });
    const reload = model.load();
    answer({ ok: true, value: linked });
    await reload;
    expect(model.view.value).toBe('linked');
    expect(model.access.value).toBeNull();
  });

  it('an action answered account_not_installed needs access too, with the popup the error names', async () => {
    const { api, answer } = controlledApi();
    const model = createLinkModel(api);
    const load = model.load();
    answer({ ok: true, value: linked });
    await load;
    const rotate = model.rotate();
    const grantUrl = 'https://www.amocrm.ru/oauth?state=x&mode=post_message';
    answer({
      ok: false,
      failure: { kind: 'backend', status: 409, code: 'account_not_installed', message: '', issues: [], grantUrl },
    });
    await rotate;
    expect(model.access.value).toEqual({ state: 'missing', grantUrl });
  });

  it('is read-only for a viewer who is not an admin', async () => {
    const { api, answer } = controlledApi();
    const model = createLinkModel(api);
    expect(model.readOnly.value).toBe(false);
    const load = model.load();
    answer({ ok: true, value: { ...unlinkedStatus(account), viewer: { user_id: 9, is_admin: false } } });
    await load;
    expect(model.readOnly.value).toBe(true);
  });
});
