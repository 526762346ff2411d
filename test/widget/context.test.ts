import { describe, expect, it } from 'vitest';
import type { LinkListResponse } from '../../src/contracts/link';
import type { ApiResult, BackendApi } from '../../widget/api/backend-api';
import { createPanelContext, type PanelOpening } from '../../widget/context';
import type { CrmHost, InstallStatus } from '../../widget/host/crm-host';
import type { SettingsField } from '../../widget/host/settings-field';
import { mountPanel } from '../../widget/mount-panel';
import { linkItem, linkList, testCredentials } from './harness/link-fixtures';

const item = linkItem();
const credentials = testCredentials;

function fakes(
  installStatus: InstallStatus = 'installed',
  overrides: Partial<BackendApi> = {},
  fieldValue = '',
  opening?: PanelOpening,
) {
  const writes: string[] = [];
  let value = fieldValue;
  const field: SettingsField = {
    read: () => value,
    write(next) {
      value = next;
      writes.push(next);
    },
  };
  const calls: string[] = [];
  const answer = async <T>(name: string, result: ApiResult<T>) => {
    calls.push(name);
    return result;
  };
  const api: BackendApi = {
    list: () => answer('list', { ok: true, value: linkList() }),
    pipelines: () => answer('pipelines', { ok: true, value: { pipelines: [{ id: 5, name: 'Sales', is_main: true }] } }),
    create: () => answer('create', { ok: false, failure: { kind: 'network' } }),
    update: () => answer('update', { ok: false, failure: { kind: 'network' } }),
    rotate: () => answer('rotate', { ok: false, failure: { kind: 'network' } }),
    test: () => answer('test', { ok: false, failure: { kind: 'network' } }),
    unlink: (id) => answer('unlink', { ok: true, value: { id, removed: true } }),
    ...overrides,
  };
  const host: CrmHost = {
    widgetCode: () => 'wc',
    account: () => ({ subdomain: 'acme', amojoId: 'af9945ff-1490-4cad-807d-945c15d88bec' }),
    installStatus: () => installStatus,
    lang: () => undefined,
    text: () => undefined,
    savedSetting: () => undefined,
    request: () => Promise.reject(new Error('the context must go through BackendApi')),
  };
  let gate: (() => boolean) | null = null;
  const ctx = createPanelContext({
    host,
    field,
    createApi: (hasConsent) => {
      gate = hasConsent;
      return api;
    },
    now: () => new Date('2026-11-29T12:00:00Z'),
    clipboard: undefined,
    idPrefix: 'p',
    startGrant: () => null,
    opening,
  });
  return { ctx, writes, calls, answer, gate: () => gate?.() };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

/** A backend answer the test releases by hand, to look at the panel while a request is in flight. */
function held<T>(result: ApiResult<T>) {
  let release = () => {};
  const promise = new Promise<ApiResult<T>>((resolve) => {
    release = () => resolve(result);
  });
  return { promise, release: () => release() };
}

describe('createPanelContext', () => {
  it('gates the API on consent and loads the numbers and pipelines once consent is given', async () => {
    const { ctx, writes, calls, gate } = fakes();
    expect(gate()).toBe(false);
    expect(calls).toEqual([]);
    ctx.consent.set(true);
    expect(gate()).toBe(true);
    await tick();
    expect(calls).toEqual(['list', 'pipelines']);
    expect(ctx.links.pipelines.value).toEqual([{ id: 5, name: 'Sales', is_main: true }]);
    expect(writes.map((w) => (w === '' ? '' : JSON.parse(w).link))).toEqual(['unknown', 'unlinked']);
    // an account without numbers gets the add form at once
    expect(ctx.form.target.value).toBe('new');
    ctx.consent.set(false);
    expect(writes.at(-1)).toBe('');
  });

  it('does not contact the backend before the widget is installed', async () => {
    const { ctx, calls } = fakes('install');
    ctx.consent.set(true);
    await tick();
    expect(calls).toEqual([]);
    expect(await ctx.save()).toBe(true);
  });

  it('starts a new number’s webhook URL from the field and never stores one itself', async () => {
    const seeded = JSON.stringify({ webhook_url: 'http://127.0.0.1:8083/webhook' });
    const sent: unknown[] = [];
    const f = fakes(
      'installed',
      {
        create: (request) => {
          sent.push(request);
          return f.answer('create', { ok: true, value: { link: item, credentials } });
        },
      },
      seeded,
    );
    f.ctx.consent.set(true);
    await tick();
    expect(f.ctx.form.webhookUrl.value).toBe('http://127.0.0.1:8083/webhook');
    expect(f.ctx.form.dirty.value).toBe(true);
    expect((await f.ctx.submit()).ok).toBe(true);
    expect(sent).toEqual([
      {
        amojo_id: 'af9945ff-1490-4cad-807d-945c15d88bec',
        title: 'form.title_default',
        webhook_url: 'http://127.0.0.1:8083/webhook',
        time_window_disabled: false,
        pipeline_id: null,
      },
    ]);
    expect(JSON.parse(f.writes.at(-1)!)).toMatchObject({
      link: 'linked',
      webhook_url: 'http://127.0.0.1:8083/webhook',
    });
    expect(f.ctx.links.credentials.value).toEqual({ id: item.id, title: item.title, credentials });
    expect(f.ctx.form.target.value).toBeNull();
    await f.ctx.unlink(item.id);
    expect(JSON.parse(f.writes.at(-1)!)).toMatchObject({ link: 'unlinked' });
    // the credentials of a number that is gone go with it
    expect(f.ctx.links.credentials.value).toBeNull();
  });

  it('opens the add form for a pipeline (onAddAsSource), now or once the numbers are known', async () => {
    const later = fakes('installed', { list: async () => ({ ok: true, value: linkList([item]) }) });
    later.ctx.addNumber(5);
    expect(later.ctx.form.target.value).toBeNull();
    later.ctx.consent.set(true);
    await tick();
    expect(later.ctx.form.target.value).toBe('new');
    expect(later.ctx.form.pipelineId.value).toBe(5);

    const atLimit = fakes('installed', { list: async () => ({ ok: true, value: linkList([item], 1) }) });
    atLimit.ctx.consent.set(true);
    await tick();
    atLimit.ctx.addNumber(5);
    expect(atLimit.ctx.form.target.value).toBeNull();
  });

  it('opens the number a source tile names; a viewer who is not an admin gets it marked, not a form', async () => {
    const other = linkItem({ id: 'other', title: 'Other', source: { state: 'synced', id: 77 } });
    const admin = fakes('installed', { list: async () => ({ ok: true, value: linkList([item, other]) }) }, '', {
      kind: 'source',
      sourceId: 77,
    });
    admin.ctx.consent.set(true);
    await tick();
    expect(admin.ctx.focused.value).toBe('other');
    expect(admin.ctx.form.target.value).toEqual(other);

    const readOnly: LinkListResponse = { ...linkList([item]), viewer: { user_id: 8, is_admin: false } };
    const viewer = fakes('installed', { list: async () => ({ ok: true, value: readOnly }) }, '', {
      kind: 'source',
      externalId: item.id,
    });
    viewer.ctx.consent.set(true);
    await tick();
    expect(viewer.ctx.focused.value).toBe(item.id);
    expect(viewer.ctx.form.target.value).toBeNull();
  });

  it('disposes every effect: after dispose nothing reacts to signals any more', async () => {
    const { ctx, writes, calls } = fakes();
    expect(ctx.scope.size).toBeGreaterThanOrEqual(3);
    ctx.dispose();
    expect(ctx.scope.size).toBe(0);
    ctx.consent.set(true);
    await tick();
    expect(writes).toEqual([]);
    expect(calls).toEqual([]);
  });

  it('mountPanel renders into the modal and its unmount removes the DOM, the listener and the effects', () => {
    const { ctx } = fakes();
    document.body.innerHTML = '<div class="body"><div class="widget_settings_block"></div></div>';
    const body = document.querySelector<HTMLElement>('.body')!;
    const field = { read: () => '', write: () => {} };
    const unmount = mountPanel({ body, mountPoint: body.firstElementChild as HTMLElement, field }, ctx);
    expect(body.querySelectorAll('.channel-link-widget section').length).toBeGreaterThan(2);
    const button = document.createElement('button');
    button.className = 'js-widget-save';
    document.body.appendChild(button);
    button.click();
    expect(ctx.consent.warning.value).toBe(true);
    unmount();
    expect(body.innerHTML).toBe('<div class="widget_settings_block"></div>');
    expect(ctx.scope.size).toBe(0);
    ctx.consent.warning.value = false;
    button.click();
    expect(ctx.consent.warning.value).toBe(false);
    unmount();
  });

  describe('save (onSave)', () => {
    /** An account with one number whose PUT succeeds. */
    function linkedFakes() {
      const sent: unknown[] = [];
      const f = fakes('installed', {
        list: () => f.answer('list', { ok: true, value: linkList([item]) }),
        update: (id, request) => {
          sent.push([id, request]);
          return f.answer('update', { ok: true, value: { link: { ...item, ...request } } });
        },
      });
      return { ...f, sent };
    }

    it('sends nothing when nothing changed: the backend reconnects the numbers on install itself', async () => {
      const { ctx, calls } = linkedFakes();
      ctx.consent.set(true);
      await tick();
      expect(ctx.links.view.value).toBe('linked');
      expect(await ctx.save({ active: 'Y', fields: {} })).toBe(true);
      expect(calls).toEqual(['list', 'pipelines']);
    });

    it('sends the open edit with a PUT on its number', async () => {
      const { ctx, sent } = linkedFakes();
      ctx.consent.set(true);
      await tick();
      ctx.form.open(item);
      ctx.form.setPipelineId(5);
      expect(await ctx.save({ active: 'Y' })).toBe(true);
      expect(sent).toEqual([
        [item.id, { title: item.title, webhook_url: item.webhook_url, time_window_disabled: false, pipeline_id: 5 }],
      ]);
      expect(ctx.links.list.value?.links[0]?.pipeline_id).toBe(5);
    });

    it('sends nothing while disabling, even with changes', async () => {
      const { ctx, calls } = linkedFakes();
      ctx.consent.set(true);
      await tick();
      ctx.form.open(item);
      ctx.form.setTitle('Other');
      expect(await ctx.save({ active: 'N' })).toBe(true);
      expect(calls).toEqual(['list', 'pipelines']);
    });

    it('without consent warns and sends nothing', async () => {
      const { ctx, calls } = linkedFakes();
      expect(await ctx.save({ active: 'Y' })).toBe(true);
      expect(ctx.consent.warning.value).toBe(true);
      expect(calls).toEqual([]);
    });

    it('rejects with the admin-facing message when the backend refuses', async () => {
      const { ctx } = fakes();
      ctx.consent.set(true);
      await tick();
      ctx.form.setWebhookUrl('https://m.example/h');
      await expect(ctx.save({ active: 'Y' })).rejects.toThrow('errors.network');
    });

    it('waits for the list request in flight, then sends the new number', async () => {
      const list = held<LinkListResponse>({ ok: true, value: linkList() });
      const order: string[] = [];
      const f = fakes(
        'installed',
        {
          // the saved consent starts the list inside createPanelContext, before `f` exists
          list: () => {
            order.push('list');
            return list.promise;
          },
          create: async () => {
            order.push('create');
            return { ok: true, value: { link: item, credentials } };
          },
        },
        // a webhook URL given ahead (the sandbox's) makes the add form that opens on the empty list a change
        JSON.stringify({ consent_at: '2026-11-29T11:00:00.000Z', webhook_url: 'https://m.example/h' }),
      );
      expect(f.ctx.links.busy.value?.action).toBe('load');
      const saving = f.ctx.save({ active: 'Y' });
      await tick();
      list.release();
      expect(await saving).toBe(true);
      expect(order).toEqual(['list', 'create']);
      expect(f.ctx.links.busy.value).toBeNull();
    });
  });
});
