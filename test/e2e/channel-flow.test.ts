import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countSteps } from './count-steps';
import { type E2E, startE2E } from './harness';

// One story in order, as a person would do it: install and link the widget, connect the messenger, then chat.
describe('the channel in a real browser', () => {
  let e2e: E2E;
  let crm: Page;
  let inbox: Page;
  let messenger: Page;
  const t = (page: Page, id: string) => page.getByTestId(id);
  // Every step crosses several processes and polling pages; a loaded CI machine gets the same 15 s a person would.
  const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 15_000, interval: 100 });
  // biome-ignore lint/suspicious/noExplicitAny: the emulators' control answers are read loosely here
  const getJson = async (url: string): Promise<any> => (await fetch(url)).json();
  const amocrmControl = (path: string) => getJson(`${e2e.sandbox.urls.amocrmApi}/_control/${path}`);
  const amocrmHooks = async (): Promise<{ kind: string; state: string }[]> => amocrmControl('hooks');
  /** Whether amojo holds the sandbox account's scope connected (the emulator's own record). */
  const scopeConnected = async () => {
    const list = (await getJson(`${e2e.sandbox.urls.amojo}/_control/connections`)) as { connected: boolean }[];
    return list.length > 0 && list.every((c) => c.connected);
  };
  const messengerSays = async (text: string) => {
    await t(messenger, 'composer-input').fill(text);
    await t(messenger, 'send-button').click();
  };
  const lastIncoming = () => inbox.locator('[data-testid=message][data-direction=incoming]').last();

  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('takes a newcomer from the first page to the first client message in the inbox in at most 10 steps', async () => {
    // the README's "To see it work", step by step; only what a person does counts, not waiting or looking
    const steps = countSteps(10);
    crm = await steps.step('open the amoCRM page', () => e2e.page(e2e.sandbox.urls.amocrm));
    // not installed yet: the settings open by themselves, with focus inside them
    await t(crm, 'settings-modal').waitFor();
    await eventually(() => crm.evaluate(() => document.activeElement?.closest('[role=dialog]') !== null)).toBe(true);
    await steps.step('tick the consent box', () => crm.getByLabel(/I agree that this widget sends/).check());
    await steps.step('press Install', () => crm.getByRole('button', { name: 'Install', exact: true }).click());
    // the page reopens the settings installed; the form starts with the demo messenger's webhook URL
    const webhookUrl = crm.getByLabel('Messenger webhook URL');
    await eventually(() => webhookUrl.inputValue()).toBe(e2e.sandbox.messengerWebhookUrl);
    // Install went through amoCRM's protocol: its install redirect reached the backend, which exchanged the code
    expect(await amocrmHooks()).toEqual([expect.objectContaining({ kind: 'install', state: 'delivered' })]);
    expect(await amocrmControl('stats')).toMatchObject({ codeExchanges: 1 });
    await steps.step('press Link channel', () => crm.getByRole('button', { name: 'Link channel' }).click());
    const apiKey = await crm.getByLabel('API key', { exact: true }).inputValue();
    const signingSecret = await crm.getByLabel('Signing secret', { exact: true }).inputValue();
    expect(apiKey).toMatch(/^ck_\S{20,}/);
    expect(signingSecret).toMatch(/^cs_\S{20,}/);
    await steps.step('press Copy both', () => crm.getByRole('button', { name: 'Copy both' }).click());
    await crm.getByText('Copied. Paste them into the messenger.').waitFor();
    expect(await crm.evaluate(() => navigator.clipboard.readText())).toBe(`${apiKey}\n${signingSecret}`);
    await e2e.shot(crm, '01-linked');
    const visibleMs = await crm.evaluate(
      () => (window as unknown as { __sandbox: { settingsToVisibleMs: number } }).__sandbox.settingsToVisibleMs,
    );
    console.info(`widget: settings() to visible panel ${visibleMs.toFixed(1)} ms`);

    messenger = await steps.step('open the demo messenger from the top bar', async () => {
      const opened = crm.context().waitForEvent('page');
      await crm.getByRole('link', { name: /Demo messenger/ }).click();
      const page = await opened;
      // its script must be listening before the paste; a person is never that quick
      await page.waitForLoadState('load');
      return page;
    });
    const credentialsBox = t(messenger, 'settings-credentials');
    // the box has the focus already while the messenger is unconfigured: the paste is the whole step
    await eventually(() => credentialsBox.evaluate((box) => box === document.activeElement)).toBe(true);
    await steps.step('paste both into the credentials box', () => messenger.keyboard.press('ControlOrMeta+V'));
    await eventually(() => t(messenger, 'settings-summary').getAttribute('data-configured')).toBe('true');
    await steps.step('type a message', () => t(messenger, 'composer-input').fill('Hello from the client'));
    await steps.step('press Send', () => t(messenger, 'send-button').click());
    await e2e.shot(messenger, '02-messenger-first-message');

    await steps.step('open the inbox from the amoCRM page', () => crm.getByRole('link', { name: 'Inbox' }).click());
    inbox = crm;
    // the newest chat opens by itself
    const incoming = inbox.locator('[data-testid=message][data-direction=incoming]');
    await eventually(() => incoming.first().textContent()).toContain('Hello from the client');
    console.info(`first client message in the inbox after ${steps.taken.length} steps:\n${steps.taken.join('\n')}`);
    expect(steps.taken.length).toBeLessThanOrEqual(10);
    await e2e.shot(inbox, '02-inbox-first-message');
  });

  it('carries a client picture and location into the inbox', async () => {
    await t(messenger, 'picture-button').click();
    await t(messenger, 'sample-picture').first().click();
    await t(messenger, 'location-button').click();
    await t(messenger, 'location-send').click();

    const incoming = inbox.locator('[data-testid=message][data-direction=incoming]');
    await eventually(() => incoming.count()).toBe(3);
    expect(await incoming.first().textContent()).toContain('Hello from the client');
    expect(await incoming.nth(1).getAttribute('data-type')).toBe('picture');
    expect(await incoming.nth(2).getAttribute('data-type')).toBe('location');
    // the client's own tick: a second one once amoCRM has the message (as the README says)
    const first = messenger.locator('[data-testid=message][data-direction=client]').first();
    await eventually(() => first.getAttribute('data-status')).toBe('delivered');
    await e2e.shot(inbox, '02-inbox-client-messages');
  });

  it('delivers a manager reply to the messenger and reports it read', async () => {
    await t(inbox, 'reply-input').fill('Hi! How can we help?');
    await t(inbox, 'reply-send').click();
    const reply = messenger.locator('[data-testid=message][data-direction=manager]');
    await eventually(() => reply.last().textContent()).toContain('How can we help?');
    const outgoing = inbox.locator('[data-testid=message][data-direction=outgoing]').last();
    await eventually(() => outgoing.getAttribute('data-status')).toBe('read');
    await e2e.shot(messenger, '03-messenger-reply');
    await e2e.shot(inbox, '03-inbox-read');
  });

  it('mirrors a picture the manager attaches and the messenger shows our copy', async () => {
    // The demo messenger's sample stands in for amoCRM's attachment host.
    const original = `${e2e.sandbox.urls.messenger}/media/sample-2.png`;
    await t(inbox, 'reply-kind').selectOption('picture');
    await t(inbox, 'reply-picture-url').fill(original);
    await t(inbox, 'reply-input').fill('The blue one');
    await t(inbox, 'reply-send').click();
    const image = messenger.locator('[data-testid=message][data-direction=manager] [data-testid=message-image]').last();
    await eventually(() => image.getAttribute('src')).toMatch(
      new RegExp(`^${e2e.sandbox.urls.backend}/media/[A-Za-z0-9_-]{32}\\?expires=\\d+&sig=`),
    );
    await eventually(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBeGreaterThan(
      0,
    );
    await t(inbox, 'reply-kind').selectOption('text');
    await e2e.shot(messenger, '03-messenger-picture');
  });

  it('shows typing both ways', async () => {
    await t(messenger, 'composer-input').pressSequentially('typing…', { delay: 30 });
    await eventually(() => t(inbox, 'client-typing').isVisible()).toBe(true);
    await t(inbox, 'typing-send').click();
    await eventually(() => t(messenger, 'typing-indicator').isVisible()).toBe(true);
    await e2e.shot(messenger, '04-messenger-manager-typing');
    await t(messenger, 'composer-input').fill('');
  });

  it('carries reactions both ways', async () => {
    const clientMessage = inbox.locator('[data-testid=message][data-direction=incoming]').first();
    await clientMessage.getByTestId('react-button').first().click();
    const onClient = messenger.locator('[data-testid=message][data-direction=client]').first();
    await eventually(() => onClient.locator('[data-testid=reaction][data-by=manager]').count()).toBe(1);

    const managerMessage = messenger.locator('[data-testid=message][data-direction=manager]').last();
    await managerMessage.getByTestId('react-button').click();
    await managerMessage.getByTestId('reaction-option').first().click();
    const outgoing = inbox.locator('[data-testid=message][data-direction=outgoing]').last();
    await eventually(() => outgoing.getByTestId('message-reaction').count()).toBe(1);
    await e2e.shot(inbox, '05-inbox-reactions');
  });

  it('starts a conversation by phone from the inbox and binds it on the client reply', async () => {
    await t(inbox, 'write-first-phone').fill('+1 555 010 9999');
    await t(inbox, 'write-first-text').fill('Hello, this is the shop. Your order is ready.');
    await t(inbox, 'write-first-send').click();
    await e2e.shot(inbox, '06-inbox-write-first-sent');

    const started = messenger.locator('[data-testid=conversation-item][data-phone*="9999"]');
    await eventually(() => started.count()).toBe(1);
    await started.click();
    await eventually(() =>
      messenger.locator('[data-testid=message][data-direction=manager]').last().textContent(),
    ).toContain('Your order is ready');
    await t(messenger, 'composer-input').fill('Great, thanks!');
    await t(messenger, 'send-button').click();

    // The reply lands in the chat the manager started (bound), not in a new one.
    const chat = inbox.locator('[data-testid=chat-item]', { hasText: 'Great, thanks!' });
    await eventually(() => chat.count()).toBe(1);
    expect(await chat.getAttribute('data-unbound')).not.toBe('true');
    await chat.click();
    await eventually(() => inbox.locator('[data-testid=message]').count()).toBe(2);
    await e2e.shot(inbox, '06-inbox-write-first-bound');
  });

  it('keeps keyboard focus in the settings modal and gives it back to the tile', async () => {
    const page = await e2e.page(e2e.sandbox.urls.amocrm);
    const tile = t(page, 'widget-tile');
    await eventually(() => tile.isEnabled()).toBe(true);
    await tile.focus();
    await page.keyboard.press('Enter');
    await t(page, 'settings-modal').waitFor();
    const focusInModal = () => page.evaluate(() => document.activeElement?.closest('[role=dialog]') !== null);
    expect(await focusInModal()).toBe(true);
    const tabbable = await t(page, 'settings-modal').evaluate(
      (modal) => modal.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea').length,
    );
    // round the whole modal and then some, both ways: focus never reaches the page behind the overlay
    for (const key of ['Tab', 'Shift+Tab']) {
      for (let i = 0; i < tabbable + 3; i += 1) {
        await page.keyboard.press(key);
        expect(await focusInModal(), `${key} #${i + 1}`).toBe(true);
      }
    }
    await page.keyboard.press('Escape');
    await eventually(() => t(page, 'settings-modal').count()).toBe(0);
    expect(await tile.evaluate((element) => element === document.activeElement)).toBe(true);
    await page.context().close();
  });

  it('renders the panel in the dark theme and in every locale', async () => {
    const titles = {
      en: 'Messenger channel',
      ru: 'Канал мессенджера',
      es: 'Canal de mensajería',
      pt: 'Canal de mensageiro',
    };
    for (const [lang, title] of Object.entries(titles)) {
      const page = await e2e.page(`${e2e.sandbox.urls.amocrm}/?settings=open&lang=${lang}&theme=dark`);
      await eventually(() => page.locator('html').getAttribute('data-color-scheme')).toBe('dark');
      await eventually(() => page.getByRole('heading', { name: title }).count()).toBeGreaterThan(0);
      await page
        .getByText(/Linked|Связан|Vinculad/)
        .first()
        .waitFor();
      await e2e.shot(page, `07-panel-dark-${lang}`);
      await page.context().close();
    }
  });

  it('disables and installs again: the hook disconnects the scope, the install reconnects it with no Save', async () => {
    const page = await e2e.page(`${e2e.sandbox.urls.amocrm}/?settings=open`);
    await page.getByText('Linked').first().waitFor();
    expect(await scopeConnected()).toBe(true);

    await t(page, 'settings-disable').click();
    await eventually(() => t(page, 'widget-status').getAttribute('data-status')).toBe('install');
    // amoCRM's signed disconnect hook reached the backend, and the scope is disconnected at amojo
    await eventually(async () => (await amocrmHooks()).map((hook) => `${hook.kind}:${hook.state}`)).toContain(
      'disconnect:delivered',
    );
    await eventually(scopeConnected).toBe(false);
    await e2e.shot(page, '09-disabled');

    // Install again: amoCRM's install redirect alone reconnects the parked link; no PUT of the link goes out
    const puts: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'PUT' && request.url().startsWith(e2e.sandbox.urls.backend)) puts.push(request.url());
    });
    await t(page, 'widget-tile').click();
    await t(page, 'settings-save').click();
    await eventually(() => t(page, 'widget-status').getAttribute('data-status')).toBe('installed');
    await eventually(scopeConnected).toBe(true);
    const installs = (await amocrmHooks()).filter((hook) => hook.kind === 'install');
    expect(installs).toHaveLength(2);
    expect(puts).toEqual([]);

    await messengerSays('Still here after the reinstall');
    await eventually(() => lastIncoming().textContent()).toContain('Still here after the reinstall');
    await page.context().close();
    // the panel, opened afresh, shows the live link
    const fresh = await e2e.page(`${e2e.sandbox.urls.amocrm}/?settings=open`);
    await fresh.getByText('Linked').first().waitFor();
    await e2e.shot(fresh, '09-reinstalled');
    await fresh.context().close();
  });

  it('shows a manager the channel read-only', async () => {
    const page = await e2e.page(e2e.sandbox.urls.amocrm);
    const switched = page.waitForEvent('load');
    await t(page, 'user-select').selectOption({ label: 'Sandbox Manager (manager)' });
    await switched;
    await eventually(() => t(page, 'current-user').getAttribute('data-admin')).toBe('false');
    await t(page, 'widget-tile').click();
    await page.getByText('Only an administrator of this account can change the channel.').waitFor();
    expect(await page.getByRole('button', { name: 'Unlink' }).count()).toBe(0);
    expect(await page.getByLabel('Messenger webhook URL').count()).toBe(0);
    await e2e.shot(page, '10-manager-read-only');

    // back to the admin for the rest of the story (the page server keeps the choice across reloads)
    const back = page.waitForEvent('load');
    await t(page, 'user-select').selectOption({ label: 'Sandbox Admin (admin)' });
    await back;
    await eventually(() => t(page, 'current-user').getAttribute('data-admin')).toBe('true');
    await page.context().close();
  });

  it('offers Grant access once access is removed, and the access popup restores the live link', async () => {
    // the integration is removed in amoCRM, outside the widget: its disconnect hook reaches the backend
    const removed = await fetch(`${e2e.sandbox.urls.amocrmApi}/_control/uninstall`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ accountId: 31_000_001 }),
    });
    expect(removed.status).toBe(200);
    await eventually(scopeConnected).toBe(false);

    const page = await e2e.page(`${e2e.sandbox.urls.amocrm}/?settings=open`);
    const grant = page.getByRole('button', { name: 'Grant access' });
    await grant.waitFor();
    await e2e.shot(page, '11-grant-access');
    const popup = await (async () => {
      const opened = page.waitForEvent('popup');
      await grant.click();
      return opened;
    })();
    await popup.waitForLoadState();
    expect(popup.url().startsWith(`${e2e.sandbox.urls.amocrmApi}/oauth?`)).toBe(true);
    const closed = popup.waitForEvent('close');
    await popup.getByTestId('allow').click();
    // the backend's result page tells the opener and closes itself
    await closed;
    await page.getByText('Linked').first().waitFor();
    expect(await grant.count()).toBe(0);
    await eventually(scopeConnected).toBe(true);
    await messengerSays('Back after the grant');
    await eventually(() => lastIncoming().textContent()).toContain('Back after the grant');
    await e2e.shot(page, '11-granted');
    await page.context().close();
  });

  it('adds the widget as a lead source of a pipeline and opens that number from its source tile', async () => {
    const added = await fetch(`${e2e.sandbox.urls.amocrmApi}/_control/pipelines`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ accountId: 31_000_001, name: 'Wholesale' }),
    });
    expect(added.status).toBeLessThan(300);
    const pipelineId = ((await added.json()) as { id: number }).id;
    const page = await e2e.page(e2e.sandbox.urls.amocrm);
    await t(page, 'lead-sources-refresh').click();
    const row = page.locator(`[data-testid=pipeline-row][data-pipeline-id="${pipelineId}"]`);
    // pipeline settings -> add the widget as a source: onAddAsSource, then the settings with the add form
    await row.getByTestId('add-as-source').click();
    const pipeline = page.getByLabel('Pipeline for new leads');
    await eventually(() => pipeline.inputValue()).toBe(String(pipelineId));
    await page.getByLabel('Channel name').fill('Wholesale line');
    // the sandbox seeds the demo messenger's webhook URL, which a new number starts with
    expect(await page.getByLabel('Messenger webhook URL').inputValue()).not.toBe('');
    await page.getByRole('button', { name: 'Link channel' }).click();
    await page.getByRole('button', { name: 'I have saved them' }).click();
    await page.keyboard.press('Escape');

    // the backend creates the number's source at amoCRM in a job; the tile appears in that pipeline's row
    const tile = row.getByTestId('source-tile');
    await eventually(async () => {
      await t(page, 'lead-sources-refresh').click();
      return tile.count();
    }).toBe(1);
    await tile.click();
    await page.getByRole('heading', { name: 'Settings of Wholesale line' }).waitFor();
    await e2e.shot(page, '11-lead-source-settings');

    // unlink this number again, so the story goes on with the first one alone
    const item = page.locator('.channel-link-widget__number', { hasText: 'Wholesale line' });
    await item.getByRole('button', { name: 'Unlink' }).click();
    await page.getByRole('button', { name: 'Yes, unlink' }).click();
    await eventually(() => page.locator('.channel-link-widget__number').count()).toBe(1);
    await page.context().close();
  });

  it('unlinks from the panel, after which client messages are refused', async () => {
    const page = await e2e.page(`${e2e.sandbox.urls.amocrm}/?settings=open`);
    await page.getByRole('button', { name: 'Unlink' }).click();
    await page.getByRole('button', { name: 'Yes, unlink' }).click();
    await page.getByText('Not linked').first().waitFor();
    await e2e.shot(page, '08-unlinked');

    await t(messenger, 'composer-input').fill('Anyone there?');
    await t(messenger, 'send-button').click();
    const last = messenger.locator('[data-testid=message][data-direction=client]').last();
    await eventually(() => last.getAttribute('data-status')).toBe('failed');
    await e2e.shot(messenger, '08-messenger-refused');
  });
});
