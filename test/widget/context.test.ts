import { describe, expect, it } from 'vitest';
import type { ApiResult, BackendApi } from '../../widget/api/backend-api';
import { createPanelContext } from '../../widget/context';
import type { CrmHost, InstallStatus } from '../../widget/host/crm-host';
import type { SettingsField } from '../../widget/host/settings-field';
import { mountPanel } from '../../widget/mount-panel';

const unlinked = { state: 'unlinked', account: { id: 1, subdomain: 'acme' } } as const;

function fakes(installStatus: InstallStatus = 'installed') {
  const writes: string[] = [];
  let value = '';
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
  };
  const host: CrmHost = {
    widgetCode: () => 'wc',
    account: () => ({ subdomain: 'acme', amojoId: 'af9945ff-1490-4cad-807d-945c15d88bec' }),
    installStatus: () => installStatus,
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
  });
  return { ctx, writes, calls, gate: () => gate?.() };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

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
});
