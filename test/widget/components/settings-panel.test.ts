import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LinkedStatus, LinkPutResponse } from '../../../src/contracts/link';
import type { ApiResult, BackendApi } from '../../../widget/api/backend-api';
import { createPanelContext, type PanelContext } from '../../../widget/context';
import type { CrmHost, InstallStatus } from '../../../widget/host/crm-host';
import type { MessageKey } from '../../../widget/i18n/message-keys';
import { mountPanel } from '../../../widget/mount-panel';
import { repoRoot } from '../harness/built-widget';
import { linkedStatus, testCredentials } from '../harness/link-fixtures';

type Locale = 'en' | 'ru';
const langs = Object.fromEntries(
  (['en', 'ru'] as const).map((locale) => [
    locale,
    JSON.parse(readFileSync(join(repoRoot, 'i18n', `${locale}.json`), 'utf8')),
  ]),
) as Record<Locale, unknown>;

function lookup(root: unknown, path: string): string | undefined {
  const found = path.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown>)?.[part], root);
  return typeof found === 'string' ? found : undefined;
}

const account = { id: 1, subdomain: 'acme' };
const unlinked = { state: 'unlinked', account } as const;
const linked = linkedStatus(account);
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

interface PanelOptions {
  readonly installStatus?: InstallStatus;
  /** `APP.lang_id` as the host adapter reports it; the texts come from i18n/<locale>.json. */
  readonly lang?: string | undefined;
  readonly locale?: Locale;
  readonly api?: Partial<BackendApi>;
}

let unmount: (() => void) | null = null;
afterEach(() => {
  unmount?.();
  unmount = null;
});

/** The real panel (context, models, components) over a fake host and API, mounted into jsdom. */
function openPanel({ installStatus = 'installed', lang, locale = 'en', api = {} }: PanelOptions = {}) {
  const host: CrmHost = {
    widgetCode: () => 'wc',
    account: () => ({ subdomain: 'acme', amojoId: linked.amojo_id }),
    installStatus: () => installStatus,
    lang: () => lang,
    text: (path) => lookup(langs[locale], path),
    savedSetting: () => undefined,
    request: () => Promise.reject(new Error('the panel must go through BackendApi')),
  };
  const backend: BackendApi = {
    getStatus: async () => ({ ok: true, value: unlinked }),
    link: async () => ({ ok: false, failure: { kind: 'network' } }),
    rotate: async () => ({ ok: false, failure: { kind: 'network' } }),
    test: async () => ({ ok: false, failure: { kind: 'network' } }),
    unlink: async () => ({ ok: true, value: { status: unlinked } }),
    ...api,
  };
  let value = '';
  const field = {
    read: () => value,
    write(next: string) {
      value = next;
    },
  };
  const ctx: PanelContext = createPanelContext({
    host,
    field,
    createApi: () => backend,
    now: () => new Date('2026-11-29T12:00:00Z'),
    clipboard: undefined,
    idPrefix: 'p',
  });
  document.body.innerHTML = '<div class="body"><div class="widget_settings_block"></div></div>';
  const body = document.querySelector<HTMLElement>('.body') as HTMLElement;
  unmount = mountPanel({ body, mountPoint: body.firstElementChild as HTMLElement, field }, ctx);
  const text = (key: MessageKey, vars: Record<string, string> = {}) =>
    (lookup(langs[locale], key) ?? key).replace(/\{(\w+)\}/g, (_, name: string) => vars[name] ?? '');
  return {
    ctx,
    text,
    badge: () => body.querySelector('.channel-link-widget__badge')?.textContent,
    panelText: () => body.textContent ?? '',
    consentBox: () => body.querySelector<HTMLInputElement>('#p-consent') as HTMLInputElement,
    button: (key: MessageKey) =>
      [...body.querySelectorAll('button')].find((b) => b.textContent === text(key)) as HTMLButtonElement,
  };
}

/** A link answer: a new link carries the one-time credentials, an update does not. */
function linkAnswer(status: LinkedStatus, created: boolean): ApiResult<LinkPutResponse> {
  return { ok: true, value: created ? { created, status, credentials: testCredentials } : { created, status } };
}

describe('settings panel: the status badge follows the consent box at once', () => {
  it('before install: ticking consent leaves "Waiting for consent" for "Not installed yet" and the install step', () => {
    const panel = openPanel({ installStatus: 'install' });
    expect(panel.badge()).toBe(panel.text('status.idle'));
    panel.consentBox().click();
    expect(panel.badge()).toBe(panel.text('status.not_installed'));
    expect(panel.badge()).not.toBe(panel.text('status.idle'));
    expect(panel.panelText()).toContain(panel.text('status.install_first'));
    panel.consentBox().click();
    expect(panel.badge()).toBe(panel.text('status.idle'));
  });

  it('installed: ticking consent shows the status check at once, then the answer; a live link stays linked', async () => {
    const panel = openPanel({ api: { getStatus: async () => ({ ok: true, value: linked }) } });
    expect(panel.badge()).toBe(panel.text('status.idle'));
    panel.consentBox().click();
    expect(panel.badge()).toBe(panel.text('status.loading'));
    await tick();
    expect(panel.badge()).toBe(panel.text('status.linked'));
    // unticking stops the widget's calls, not the channel: the messages keep flowing, so the badge must not say idle
    panel.consentBox().click();
    expect(panel.badge()).toBe(panel.text('status.linked'));
  });

  it('installed and unlinked: unticking consent waits again', async () => {
    const panel = openPanel({
      api: { getStatus: async () => ({ ok: true, value: { state: 'unlinked', account: linked.account } }) },
    });
    panel.consentBox().click();
    await tick();
    expect(panel.badge()).toBe(panel.text('status.unlinked'));
    panel.consentBox().click();
    expect(panel.badge()).toBe(panel.text('status.idle'));
  });
});

describe('settings panel: "Changes saved"', () => {
  it('confirms the save that issued the one-time credentials, and a later save while they are still shown', async () => {
    const renamed = { ...linked, title: 'Renamed' };
    const answers = [linkAnswer(linked, true), linkAnswer(renamed, false)];
    const panel = openPanel({
      api: { link: async () => answers.shift() ?? { ok: false, failure: { kind: 'network' } } },
    });
    panel.consentBox().click();
    await tick();
    panel.ctx.form.setWebhookUrl(linked.webhook_url);
    panel.button('form.submit_link').click();
    await tick();
    expect(panel.panelText()).toContain(panel.text('credentials.once'));
    expect(panel.panelText()).toContain(panel.text('form.saved'));

    panel.ctx.form.setTitle('Renamed');
    panel.button('form.submit_update').click();
    await tick();
    expect(panel.ctx.link.status.value).toMatchObject({ title: 'Renamed' });
    expect(panel.panelText()).toContain(panel.text('credentials.once'));
    expect(panel.panelText()).toContain(panel.text('form.saved'));
  });
});

describe('settings panel: "Linked on"', () => {
  const at = '2026-03-02T10:00:00.000Z';
  const linkedAt = (lang?: string, locale: Locale = 'en') =>
    openPanel({ lang, locale, api: { getStatus: async () => ({ ok: true, value: { ...linked, created_at: at } }) } });

  it('writes the date and time in amoCRM language (APP.lang_id), not the browser locale', async () => {
    const panel = linkedAt('ru', 'ru');
    panel.consentBox().click();
    await tick();
    // what toLocaleString(lang) gives: Intl.DateTimeFormat(lang) with a numeric date and time
    const russian = new Intl.DateTimeFormat('ru', {
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    }).format(new Date(at));
    expect(russian).toMatch(/^02\.03\.2026, /);
    expect(panel.panelText()).toContain(panel.text('status.linked_hint', { date: russian }));
    expect(panel.panelText()).not.toContain(new Date(at).toLocaleString('en-US'));
  });

  it('follows the language, whatever the browser says', async () => {
    const panel = linkedAt('es');
    panel.consentBox().click();
    await tick();
    expect(panel.panelText()).toContain(new Date(at).toLocaleString('es'));
    expect(new Date(at).toLocaleString('es')).not.toBe(new Date(at).toLocaleString('en-US'));
  });

  it('shows the time of the latest link after an unlink and a relink (the panel keeps no old time)', async () => {
    const relinked = { ...linked, created_at: '2026-03-02T12:00:00.000Z' };
    const panel = openPanel({
      lang: 'en',
      api: {
        getStatus: async () => ({ ok: true, value: { ...linked, created_at: at } }),
        link: async () => linkAnswer(relinked, true),
      },
    });
    panel.consentBox().click();
    await tick();
    expect(panel.panelText()).toContain(panel.text('status.linked_hint', { date: new Date(at).toLocaleString('en') }));
    await panel.ctx.unlink();
    expect(panel.badge()).toBe(panel.text('status.unlinked'));
    panel.button('form.submit_link').click();
    await tick();
    const latest = new Date(relinked.created_at).toLocaleString('en');
    expect(panel.panelText()).toContain(panel.text('status.linked_hint', { date: latest }));
    expect(panel.panelText()).not.toContain(new Date(at).toLocaleString('en'));
  });
});
