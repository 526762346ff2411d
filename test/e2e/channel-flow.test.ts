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
    await expect.poll(() => t(messenger, 'settings-summary').getAttribute('data-configured')).toBe('true');
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
    await expect.poll(() => incoming.count()).toBe(3);
    await expect.poll(() => incoming.first().textContent()).toContain('Hello from the client');
    expect(await incoming.nth(1).getAttribute('data-type')).toBe('picture');
    expect(await incoming.nth(2).getAttribute('data-type')).toBe('location');
    await e2e.shot(inbox, '02-inbox-client-messages');
  });

  it('delivers a manager reply to the messenger and reports it read', async () => {
    await t(inbox, 'reply-input').fill('Hi! How can we help?');
    await t(inbox, 'reply-send').click();
    const reply = messenger.locator('[data-testid=message][data-direction=manager]');
    await expect.poll(() => reply.last().textContent()).toContain('How can we help?');
    const outgoing = inbox.locator('[data-testid=message][data-direction=outgoing]').last();
    await expect.poll(() => outgoing.getAttribute('data-status'), { timeout: 15_000 }).toBe('read');
    await e2e.shot(messenger, '03-messenger-reply');
    await e2e.shot(inbox, '03-inbox-read');
  });
});
