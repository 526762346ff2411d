import { describe, expect, it } from 'vitest';
import type { LinkedStatus } from '../../src/contracts/link';
import type { ApiResult, BackendApi } from '../../widget/api/backend-api';
import { createPanelContext } from '../../widget/context';
import type { CrmHost, InstallStatus } from '../../widget/host/crm-host';
import type { SettingsField } from '../../widget/host/settings-field';
import { mountPanel } from '../../widget/mount-panel';
import { linkedStatus, testCredentials, unlinkedStatus } from './harness/link-fixtures';

const unlinked = unlinkedStatus({ id: 1, subdomain: 'acme' });
const linked = linkedStatus({ id: 1, subdomain: 'acme' });
const credentials = testCredentials;

function fakes(installStatus: InstallStatus = 'installed', overrides: Partial<BackendApi> = {}, fieldValue = '') {
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
    getStatus: () => answer('getStatus', { ok: true, value: unlinked }),
    link: () => answer('link', { ok: false, failure: { kind: 'network' } }),
    rotate: () => answer('rotate', { ok: false, failure: { kind: 'network' } }),
    test: () => answer('test', { ok: false, failure: { kind: 'network' } }),
    unlink: () => answer('unlink', { ok: true, value: { status: unlinked } }),
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
  it('gates the API on consent and loads the status once consent is given', async () => {
    const { ctx, writes, calls, gate } = fakes();
    expect(gate()).toBe(false);
    expect(calls).toEqual([]);
    ctx.consent.set(true);
    expect(gate()).toBe(true);
    await tick();
    expect(calls).toEqual(['getStatus']);
    expect(writes.map((w) => (w === '' ? '' : JSON.parse(w).link))).toEqual(['unknown', 'unlinked']);
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

  it('starts the webhook URL from the field, carries it through consent and Install, and never stores one itself', async () => {
    const seeded = JSON.stringify({ webhook_url: 'http://127.0.0.1:8083/webhook' });
    const before = fakes('install', {}, seeded);
    expect(before.ctx.form.webhookUrl.value).toBe('http://127.0.0.1:8083/webhook');
    expect(before.ctx.consent.given.value).toBe(false);
    // without consent the required field stays empty, so Install waits for the box
    expect(before.writes).toEqual(['']);
    before.ctx.consent.set(true);
    expect(JSON.parse(before.writes.at(-1)!)).toEqual({
      consent_at: '2026-11-29T12:00:00.000Z',
      link: 'unknown',
      webhook_url: 'http://127.0.0.1:8083/webhook',
    });

    // after Install the modal opens on what Install saved; the URL linked is the backend's to keep: settings reach
    // every user's browser, so the field only carries what it was given
    const after = fakes(
      'installed',
      { link: () => after.answer('link', { ok: true, value: { created: true, status: linked, credentials } }) },
      before.writes.at(-1)!,
    );
    expect(after.ctx.form.webhookUrl.value).toBe('http://127.0.0.1:8083/webhook');
    await tick();
    expect(after.ctx.form.dirty.value).toBe(true);
    expect((await after.ctx.submit()).ok).toBe(true);
    expect(JSON.parse(after.writes.at(-1)!)).toMatchObject({
      link: 'linked',
      webhook_url: 'http://127.0.0.1:8083/webhook',
    });
    await after.ctx.unlink();
    expect(JSON.parse(after.writes.at(-1)!)).toMatchObject({ link: 'unlinked' });

    // with nothing given ahead of the install (production), no URL ever reaches the settings
    const plain = fakes('installed', {
      link: () => plain.answer('link', { ok: true, value: { created: true, status: linked, credentials } }),
    });
    plain.ctx.consent.set(true);
    await tick();
    plain.ctx.form.webhookUrl.value = linked.webhook_url;
    expect((await plain.ctx.submit()).ok).toBe(true);
    expect(plain.writes.every((written) => !written.includes('webhook_url'))).toBe(true);
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
    /** A linked account whose PUT succeeds; `created` says whether the backend issued new credentials. */
    function linkedFakes(created = false) {
      const sent: unknown[] = [];
      const f = fakes('installed', {
        getStatus: () => f.answer('getStatus', { ok: true, value: linked }),
        link: (request) => {
          sent.push(request);
          return f.answer('link', {
            ok: true,
            value: created ? { created: true, status: linked, credentials } : { created: false, status: linked },
          });
        },
      });
      return { ...f, sent };
    }

    it('re-sends the PUT for a linked account even when nothing changed, so a reinstall reconnects at amojo', async () => {
      const { ctx, calls, sent } = linkedFakes();
      ctx.consent.set(true);
      await tick();
      expect(ctx.link.status.value?.state).toBe('linked');
      expect(ctx.form.dirty.value).toBe(false);
      await ctx.save({ active: 'Y', fields: {} });
      expect(calls).toEqual(['getStatus', 'link']);
      expect(sent).toEqual([
        {
          amojo_id: linked.amojo_id,
          title: linked.title,
          webhook_url: linked.webhook_url,
          time_window_disabled: linked.time_window_disabled,
        },
      ]);
    });

    it('resolves true, not the PUT answer: the one-time credentials stay in the panel', async () => {
      const { ctx } = linkedFakes(true);
      ctx.consent.set(true);
      await tick();
      expect(await ctx.save({ active: 'Y' })).toBe(true);
      expect(ctx.link.credentials.value).toEqual(credentials);
    });

    it('sends nothing while disabling, even for a linked account', async () => {
      const { ctx, calls } = linkedFakes();
      ctx.consent.set(true);
      await tick();
      expect(await ctx.save({ active: 'N' })).toBe(true);
      expect(calls).toEqual(['getStatus']);
    });

    it('sends nothing for an unlinked account with an unchanged form, and links one with changes', async () => {
      const f = fakes('installed', {
        link: () => f.answer('link', { ok: true, value: { created: false, status: linked } }),
      });
      f.ctx.consent.set(true);
      await tick();
      expect(await f.ctx.save({ active: 'Y' })).toBe(true);
      expect(f.calls).toEqual(['getStatus']);
      f.ctx.form.setWebhookUrl(linked.webhook_url);
      expect(await f.ctx.save({ active: 'Y' })).toBe(true);
      expect(f.calls).toEqual(['getStatus', 'link']);
    });

    it('without consent warns and sends nothing', async () => {
      const { ctx, calls } = linkedFakes();
      expect(await ctx.save({ active: 'Y' })).toBe(true);
      expect(ctx.consent.warning.value).toBe(true);
      expect(calls).toEqual([]);
    });

    it('rejects with the admin-facing message when the PUT fails', async () => {
      const { ctx } = fakes('installed', {
        getStatus: async () => ({ ok: true, value: linked }),
      });
      ctx.consent.set(true);
      await tick();
      await expect(ctx.save({ active: 'Y' })).rejects.toThrow('errors.network');
    });

    it('waits for the status request in flight, then re-sends the PUT for the linked account', async () => {
      const status = held<LinkedStatus>({ ok: true, value: linked });
      const f = fakes('installed', {
        getStatus: () => {
          f.calls.push('getStatus');
          return status.promise;
        },
        link: () => f.answer('link', { ok: true, value: { created: false, status: linked } }),
      });
      f.ctx.consent.set(true);
      expect(f.ctx.link.busy.value).toBe('load');
      const saving = f.ctx.save({ active: 'Y' });
      await tick();
      expect(f.calls).toEqual(['getStatus']);
      status.release();
      expect(await saving).toBe(true);
      expect(f.calls).toEqual(['getStatus', 'link']);
      expect(f.ctx.link.busy.value).toBeNull();
    });

    it('waits for a panel action in flight instead of refusing with "Saving…"', async () => {
      const test = held({
        ok: true,
        value: { outcome: 'delivered', http_status: 200, duration_ms: 1, event_id: 'e' },
      } as const);
      const f = fakes('installed', {
        getStatus: async () => ({ ok: true, value: linked }),
        test: () => test.promise,
        link: () => f.answer('link', { ok: true, value: { created: false, status: linked } }),
      });
      const { ctx, calls } = f;
      ctx.consent.set(true);
      await tick();
      void ctx.test();
      expect(ctx.link.busy.value).toBe('test');
      const saving = ctx.save({ active: 'Y' });
      await tick();
      expect(calls).toEqual([]);
      test.release();
      expect(await saving).toBe(true);
      expect(calls).toEqual(['link']);
    });
  });
});
