import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countSteps } from './count-steps';
import { type E2E, startE2E } from './harness';

// The README's "To see it work" as `npm start` runs it: the sandbox links two numbers of one account, Sales and
// Support, each to the pipeline of that name; a client writes through each, and a manager's reply goes back out
// through the number its chat came in on.
describe('two numbers of one account in a real browser', () => {
  let e2e: E2E;
  let crm: Page;
  let messenger: Page;
  const t = (page: Page, id: string) => page.getByTestId(id);
  const eventually = <T>(read: () => Promise<T> | T) => expect.poll(read, { timeout: 20_000, interval: 100 });
  // biome-ignore lint/suspicious/noExplicitAny: the emulators' control answers are read loosely here
  const getJson = async (url: string): Promise<any> => (await fetch(url)).json();

  beforeAll(async () => {
    e2e = await startE2E({ seedNumbers: true });
  });
  afterAll(async () => {
    await e2e?.close();
  });

  it('sends each number’s new chats to its own pipeline and answers through the same number', async () => {
    const steps = countSteps(10);
    crm = await steps.step('open the amoCRM page', () => e2e.page(e2e.sandbox.urls.amocrm));
    await t(crm, 'settings-modal').waitFor();
    await steps.step('tick the consent box', () => crm.getByLabel(/I agree that this widget sends/).check());
    await steps.step('press Install', () => crm.getByRole('button', { name: 'Install', exact: true }).click());
    // the sandbox linked both demo numbers through the backend's own API once the installation was recorded
    const panel = t(crm, 'settings-modal');
    await eventually(async () => (await panel.textContent()) ?? '').toMatch(/Sales[\s\S]*Support/);
    // and the backend created one amoCRM source per number, each in its pipeline
    const sources = async () =>
      ((await getJson(`${e2e.sandbox.urls.amocrmApi}/_control/sources`)) as { name: string; deletedAt?: number }[])
        .filter((s) => s.deletedAt === undefined)
        .map((s) => s.name)
        .sort();
    await eventually(sources).toEqual(['Sales', 'Support']);
    await e2e.shot(crm, '10-two-numbers-panel');

    messenger = await steps.step('open the demo messenger from the top bar', async () => {
      const opened = crm.context().waitForEvent('page');
      await crm.getByRole('link', { name: /Demo messenger/ }).click();
      const page = await opened;
      await page.waitForLoadState('load');
      return page;
    });
    await eventually(() => t(messenger, 'settings-summary').getAttribute('data-configured')).toBe('true');
    await steps.step('type a message', () => t(messenger, 'composer-input').fill('Hello, Sales'));
    await steps.step('press Send', () => t(messenger, 'send-button').click());

    await steps.step('open the inbox from the amoCRM page', () => crm.getByRole('link', { name: 'Inbox' }).click());
    const items = t(crm, 'chat-item');
    await eventually(() => items.count()).toBe(1);
    // the README's story ends here: the first client message in the inbox, in at most 10 steps
    expect(steps.taken.length).toBeLessThanOrEqual(10);

    // then a client of the second number
    await t(messenger, 'number-select').selectOption({ label: 'Support' });
    await t(messenger, 'start-conversation').click();
    await t(messenger, 'composer-input').fill('Hello, Support');
    await t(messenger, 'send-button').click();
    await eventually(() => items.count()).toBe(2);
    const crmLineOf = async (text: string) => {
      for (const item of await items.all()) {
        const line = (await item.textContent()) ?? '';
        if (line.includes(text)) return (await item.getByTestId('chat-item-crm').textContent()) ?? '';
      }
      return '';
    };
    await eventually(() => crmLineOf('Hello, Sales')).toBe('Sales → Sales');
    await eventually(() => crmLineOf('Hello, Support')).toBe('Support → Support');
    await e2e.shot(crm, '10-two-numbers-inbox');

    // the manager answers the Support chat: only the Support number's messenger conversation gets it
    await items.filter({ hasText: 'Hello, Support' }).click();
    await t(crm, 'reply-input').fill('Support here, how can we help?');
    await t(crm, 'reply-send').click();
    const replies = messenger.locator('[data-testid=message][data-direction=manager]');
    await eventually(() => replies.last().textContent()).toContain('Support here');
    expect(await t(messenger, 'chat-header').textContent()).toContain('Support');
    const state = await getJson(`${e2e.sandbox.urls.messenger}/api/state`);
    const replyOwners = (
      state.conversations as { numberId?: string; messages: { direction: string; text?: string }[] }[]
    )
      .filter((c) => c.messages.some((m) => m.direction === 'manager'))
      .map((c) => c.numberId);
    expect(replyOwners).toHaveLength(1);
    expect(replyOwners[0]).not.toBe(state.numbers[0].id);
    await e2e.shot(messenger, '10-two-numbers-reply');
  });
});
