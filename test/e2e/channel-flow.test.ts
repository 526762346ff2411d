import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  beforeAll(async () => {
    e2e = await startE2E();
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('installs the widget and links the account from the settings modal', async () => {
    crm = await e2e.page(`${e2e.sandbox.urls.amocrm}/?settings=open`);
    await crm.getByLabel(/I agree that this widget sends/).check();
    await t(crm, 'settings-save').click();
    await crm.getByLabel('Messenger webhook URL').fill(e2e.sandbox.messengerWebhookUrl);
    await crm.getByRole('button', { name: 'Link channel' }).click();
    const apiKey = await crm.getByLabel('API key', { exact: true }).inputValue();
    const signingSecret = await crm.getByLabel('Signing secret', { exact: true }).inputValue();
    expect(apiKey).toMatch(/\S{20,}/);
    expect(signingSecret).toMatch(/\S{20,}/);
    await e2e.shot(crm, '01-linked');
    const visibleMs = await crm.evaluate(
      () => (window as unknown as { __sandbox: { settingsToVisibleMs: number } }).__sandbox.settingsToVisibleMs,
    );
    console.info(`widget: settings() to visible panel ${visibleMs.toFixed(1)} ms`);

    messenger = await e2e.page(e2e.sandbox.urls.messenger);
    await t(messenger, 'settings-panel').evaluate((details) => details.setAttribute('open', ''));
    await t(messenger, 'settings-api-key').fill(apiKey);
    await t(messenger, 'settings-signing-secret').fill(signingSecret);
    await t(messenger, 'settings-save').click();
    await eventually(() => t(messenger, 'settings-summary').getAttribute('data-configured')).toBe('true');
  });

  it('carries a client text, picture and location into the inbox', async () => {
    await t(messenger, 'start-conversation').click();
    await t(messenger, 'composer-input').fill('Hello from the client');
    await t(messenger, 'send-button').click();
    await t(messenger, 'picture-button').click();
    await t(messenger, 'sample-picture').first().click();
    await t(messenger, 'location-button').click();
    await t(messenger, 'location-send').click();

    inbox = await e2e.page(e2e.sandbox.urls.inbox);
    await t(inbox, 'chat-item').first().click();
    const incoming = inbox.locator('[data-testid=message][data-direction=incoming]');
    await eventually(() => incoming.count()).toBe(3);
    await eventually(() => incoming.first().textContent()).toContain('Hello from the client');
    expect(await incoming.nth(1).getAttribute('data-type')).toBe('picture');
    expect(await incoming.nth(2).getAttribute('data-type')).toBe('location');
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

  it('relinks on Save after the widget was disabled and installed again (amoCRM disconnects on uninstall)', async () => {
    const page = await e2e.page(`${e2e.sandbox.urls.amocrm}/?settings=open`);
    await page.getByText('Linked').first().waitFor();
    const connected = async () => {
      const list = (await (await fetch(`${e2e.sandbox.urls.amojo}/_control/connections`)).json()) as {
        connected: boolean;
      }[];
      return list.length > 0 && list.every((c) => c.connected);
    };
    // page.evaluate runs in the browser, so each call names the page's own hook
    await page.evaluate(() => (window as unknown as { __sandbox: { disable(): Promise<void> } }).__sandbox.disable());
    expect(await connected()).toBe(false);

    await page.evaluate(() => (window as unknown as { __sandbox: { openSettings(): void } }).__sandbox.openSettings());
    await t(page, 'settings-save').click();
    await page.getByText('Linked').first().waitFor();
    await t(page, 'settings-save').click();
    await eventually(connected).toBe(true);

    await t(messenger, 'composer-input').fill('Still here after the reinstall');
    await t(messenger, 'send-button').click();
    const incoming = inbox.locator('[data-testid=message][data-direction=incoming]');
    await eventually(() => incoming.last().textContent()).toContain('Still here after the reinstall');
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
