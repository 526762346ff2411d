import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LinkItem, LinkListResponse } from '../../../src/contracts/link';
import type { ApiResult, BackendApi } from '../../../widget/api/backend-api';
import { createPanelContext, type PanelContext } from '../../../widget/context';
import type { CrmHost, InstallStatus } from '../../../widget/host/crm-host';
import type { MessageKey } from '../../../widget/i18n/message-keys';
import type { StartGrant } from '../../../widget/models/create-grant-model';
import { mountPanel } from '../../../widget/mount-panel';
import { repoRoot } from '../harness/built-widget';
import { linkItem, linkList, testCredentials } from '../harness/link-fixtures';

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

const item = linkItem();
const unlinked = linkList();
const linked = linkList([item]);
const amojoId = 'af9945ff-1490-4cad-807d-945c15d88bec';
const tick = () => new Promise((resolve) => setTimeout(resolve, 0));

interface PanelOptions {
  readonly installStatus?: InstallStatus;
  /** `APP.lang_id` as the host adapter reports it; the texts come from i18n/<locale>.json. */
  readonly lang?: string | undefined;
  readonly locale?: Locale;
  readonly api?: Partial<BackendApi>;
  readonly startGrant?: StartGrant;
}

let unmount: (() => void) | null = null;
afterEach(() => {
  unmount?.();
  unmount = null;
});

/** The real panel (context, models, components) over a fake host and API, mounted into jsdom. */
function openPanel({
  installStatus = 'installed',
  lang,
  locale = 'en',
  api = {},
  startGrant = () => null,
}: PanelOptions = {}) {
  const host: CrmHost = {
    widgetCode: () => 'wc',
    account: () => ({ subdomain: 'acme', amojoId }),
    installStatus: () => installStatus,
    lang: () => lang,
    text: (path) => lookup(langs[locale], path),
    savedSetting: () => undefined,
    request: () => Promise.reject(new Error('the panel must go through BackendApi')),
  };
  const backend: BackendApi = {
    list: async () => ({ ok: true, value: unlinked }),
    pipelines: async () => ({ ok: true, value: { pipelines: [] } }),
    create: async () => ({ ok: false, failure: { kind: 'network' } }),
    update: async () => ({ ok: false, failure: { kind: 'network' } }),
    rotate: async () => ({ ok: false, failure: { kind: 'network' } }),
    test: async () => ({ ok: false, failure: { kind: 'network' } }),
    unlink: async (id) => ({ ok: true, value: { id, removed: true } }),
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
    startGrant,
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
    buttons: () => [...body.querySelectorAll('button')].map((b) => b.textContent),
    inputs: () => body.querySelectorAll('input[type="text"]').length,
  };
}

/** A create answer: a new number carries the one-time credentials. */
function created(link: LinkItem) {
  return { ok: true, value: { link, credentials: testCredentials } } as const;
}

/** The list with one number and these fields on it, and the list's own fields over that. */
function listWith(fields: Partial<LinkItem>, list: Partial<LinkListResponse> = {}): ApiResult<LinkListResponse> {
  return { ok: true, value: { ...linkList([linkItem(fields)]), ...list } };
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
    const panel = openPanel({ api: { list: async () => ({ ok: true, value: linked }) } });
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
      api: { list: async () => ({ ok: true, value: linkList() }) },
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
    const panel = openPanel({
      api: {
        create: async () => created(item),
        update: async (id, request) => ({ ok: true, value: { link: { ...item, ...request, id } } }),
      },
    });
    panel.consentBox().click();
    await tick();
    panel.ctx.form.setWebhookUrl(item.webhook_url ?? '');
    panel.button('form.submit_link').click();
    await tick();
    expect(panel.panelText()).toContain(panel.text('credentials.once'));
    expect(panel.panelText()).toContain(panel.text('form.saved'));

    panel.button('numbers.edit').click();
    panel.ctx.form.setTitle('Renamed');
    panel.button('form.submit_update').click();
    await tick();
    expect(panel.ctx.links.list.value?.links[0]).toMatchObject({ title: 'Renamed' });
    expect(panel.panelText()).toContain(panel.text('credentials.once'));
    expect(panel.panelText()).toContain(panel.text('form.saved'));
  });
});

describe('settings panel: "Linked on"', () => {
  const at = '2026-03-02T10:00:00.000Z';
  const linkedAt = (lang?: string, locale: Locale = 'en') =>
    openPanel({ lang, locale, api: { list: async () => listWith({ created_at: at }) } });

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
    const relinked = linkItem({ id: 'relinked', created_at: '2026-03-02T12:00:00.000Z' });
    const panel = openPanel({
      lang: 'en',
      api: { list: async () => listWith({ created_at: at }), create: async () => created(relinked) },
    });
    panel.consentBox().click();
    await tick();
    expect(panel.panelText()).toContain(panel.text('status.linked_hint', { date: new Date(at).toLocaleString('en') }));
    await panel.ctx.unlink(item.id);
    expect(panel.badge()).toBe(panel.text('status.unlinked'));
    panel.ctx.form.setWebhookUrl('https://m.example/again');
    panel.button('form.submit_link').click();
    await tick();
    const latest = new Date(relinked.created_at).toLocaleString('en');
    expect(panel.panelText()).toContain(panel.text('status.linked_hint', { date: latest }));
    expect(panel.panelText()).not.toContain(new Date(at).toLocaleString('en'));
  });
});

describe('settings panel: access to the account', () => {
  const grant_url = 'https://www.amocrm.ru/oauth?client_id=c&state=s&mode=post_message';
  const withInstallation = (state: 'missing' | 'needs_reauthorization' | 'removed') =>
    ({ ...unlinked, installation: { state, grant_url } }) satisfies LinkListResponse;

  it.each(['missing', 'needs_reauthorization', 'removed'] as const)(
    '%s: says so, offers Grant access, and no form',
    async (state) => {
      const panel = openPanel({ api: { list: async () => ({ ok: true, value: withInstallation(state) }) } });
      panel.consentBox().click();
      await tick();
      expect(panel.panelText()).toContain(panel.text(`access.${state}`));
      expect(panel.button('access.grant')).toBeDefined();
      expect(panel.inputs()).toBe(0);
    },
  );

  it('active: no access notice and no Grant access', async () => {
    const panel = openPanel({ api: { list: async () => ({ ok: true, value: unlinked }) } });
    panel.consentBox().click();
    await tick();
    expect(panel.buttons()).not.toContain(panel.text('access.grant'));
    expect(panel.inputs()).toBeGreaterThan(0);
  });

  it('Grant access opens the grant URL; the popup reporting back refreshes the status', async () => {
    const opened: string[] = [];
    let finish = () => {};
    let answers = [withInstallation('missing'), unlinked];
    const panel = openPanel({
      api: { list: async () => ({ ok: true, value: answers.shift() ?? unlinked }) },
      startGrant: (url, onDone) => {
        opened.push(url);
        finish = onDone;
        return () => {};
      },
    });
    panel.consentBox().click();
    await tick();
    panel.button('access.grant').click();
    expect(opened).toEqual([grant_url]);
    expect(answers).toHaveLength(1);
    finish();
    await tick();
    await tick();
    expect(answers).toHaveLength(0);
    expect(panel.buttons()).not.toContain(panel.text('access.grant'));
    answers = [];
  });

  it('a blocked popup asks to allow pop-ups', async () => {
    const panel = openPanel({
      api: { list: async () => ({ ok: true, value: withInstallation('needs_reauthorization') }) },
      startGrant: () => null,
    });
    panel.consentBox().click();
    await tick();
    expect(panel.panelText()).not.toContain(panel.text('access.popup_blocked'));
    panel.button('access.grant').click();
    expect(panel.panelText()).toContain(panel.text('access.popup_blocked'));
  });

  it('an action answered account_not_installed offers Grant access with the URL from the error', async () => {
    const opened: string[] = [];
    const panel = openPanel({
      api: {
        list: async () => ({ ok: true, value: linked }),
        rotate: async () => ({
          ok: false,
          failure: {
            kind: 'backend',
            status: 409,
            code: 'account_not_installed',
            issues: [],
            grantUrl: grant_url,
          },
        }),
      },
      startGrant: (url) => {
        opened.push(url);
        return () => {};
      },
    });
    panel.consentBox().click();
    await tick();
    await panel.ctx.rotate(item.id);
    expect(panel.panelText()).toContain(panel.text('access.missing'));
    expect(panel.panelText()).not.toContain(panel.text('errors.support', { email: '' }).trim());
    panel.button('access.grant').click();
    expect(opened).toEqual([grant_url]);
  });

  it('a link that is not connected is never "Linked": it is paused, and access can be granted', async () => {
    const paused = listWith({ connected: false }, { installation: { state: 'removed', grant_url } });
    const panel = openPanel({ api: { list: async () => paused } });
    panel.consentBox().click();
    await tick();
    expect(panel.badge()).toBe(panel.text('status.paused'));
    expect(panel.panelText()).not.toContain(panel.text('status.linked'));
    expect(panel.panelText()).toContain(panel.text('status.paused_hint'));
    expect(panel.button('access.grant')).toBeDefined();
    expect(panel.buttons()).not.toContain(panel.text('actions.rotate'));
  });
});

describe('settings panel: a viewer who is not an admin', () => {
  const { webhook_url: _hidden, ...forViewer } = item;
  const viewerStatus = { ...linkList([forViewer]), viewer: { user_id: 9, is_admin: false } };

  it('sees the status, the title and the account, and no form or action', async () => {
    const panel = openPanel({ api: { list: async () => ({ ok: true, value: viewerStatus }) } });
    panel.consentBox().click();
    await tick();
    expect(panel.badge()).toBe(panel.text('status.linked'));
    expect(panel.panelText()).toContain(item.title);
    expect(panel.panelText()).toContain('acme');
    expect(panel.panelText()).toContain(panel.text('access.admin_only'));
    expect(panel.inputs()).toBe(0);
    for (const key of ['actions.rotate', 'actions.test', 'actions.unlink', 'form.submit_update'] as const) {
      expect(panel.buttons()).not.toContain(panel.text(key));
    }
    // onSave has nothing to send for them: the backend would refuse it
    expect(await panel.ctx.save({ active: 'Y' })).toBe(true);
  });

  it('an action answered admin_required says only an administrator can change the channel', async () => {
    const panel = openPanel({
      api: {
        list: async () => ({ ok: true, value: linked }),
        test: async () => ({
          ok: false,
          failure: { kind: 'backend', status: 403, code: 'admin_required', issues: [] },
        }),
      },
    });
    panel.consentBox().click();
    await tick();
    panel.button('actions.test').click();
    await tick();
    expect(panel.panelText()).toContain(panel.text('errors.admin_required'));
    expect(panel.text('errors.admin_required')).toBe(panel.text('access.admin_only'));
  });
});

describe('settings panel: a messenger that refuses deliveries', () => {
  const since = '2026-11-28T09:30:00.000Z';
  const withDelivery = (delivery: LinkItem['delivery'], locale: Locale = 'en', lang?: string) =>
    openPanel({ locale, lang, api: { list: async () => listWith(delivery === undefined ? {} : { delivery }) } });
  const warnings = () =>
    [...document.querySelectorAll('.channel-link-widget__notice--warning')].map((p) => p.textContent);

  it('says since when, in amoCRM language, that messages wait and are retried; the badge stays "Linked"', async () => {
    const panel = withDelivery({ state: 'failing', since, failures: 7 }, 'ru', 'ru');
    panel.consentBox().click();
    await tick();
    const date = new Date(since).toLocaleString('ru');
    expect(warnings()).toEqual([panel.text('status.delivery_failing_since', { date })]);
    expect(panel.text('status.delivery_failing_since', { date })).toContain(date);
    expect(panel.badge()).toBe(panel.text('status.linked'));
  });

  it('says it without a time when the backend gives none', async () => {
    const panel = withDelivery({ state: 'failing', failures: 5 });
    panel.consentBox().click();
    await tick();
    expect(warnings()).toEqual([panel.text('status.delivery_failing')]);
  });

  it('says nothing while deliveries go through, below the threshold, or when the backend sends no delivery', async () => {
    for (const delivery of [{ state: 'ok', failures: 0 }, { state: 'ok', failures: 3 }, undefined] as const) {
      const panel = withDelivery(delivery);
      panel.consentBox().click();
      await tick();
      expect(warnings()).toEqual([]);
      expect(panel.badge()).toBe(panel.text('status.linked'));
      unmount?.();
      unmount = null;
    }
  });

  it('tells a viewer who is not an admin too: the fact concerns everyone waiting for messages', async () => {
    const viewer = listWith(
      { delivery: { state: 'failing', since, failures: 9 } },
      { viewer: { user_id: 9, is_admin: false } },
    );
    const panel = openPanel({ api: { list: async () => viewer } });
    panel.consentBox().click();
    await tick();
    expect(warnings()).toEqual([
      panel.text('status.delivery_failing_since', { date: new Date(since).toLocaleString() }),
    ]);
  });
});
