import { afterEach, describe, expect, it, vi } from 'vitest';
import { API_KEY, type Messenger, SIGNING_SECRET, startMessenger } from './harness';
import { openPage, type PageDom } from './page-dom';

const eventually = (check: () => void) => vi.waitFor(check, { timeout: 3000, interval: 20 });

describe('demo messenger page with two numbers (jsdom)', { timeout: 20_000 }, () => {
  let m: Messenger;
  let page: PageDom;
  afterEach(async () => {
    page?.close();
    await m?.close();
  });

  it('switches between numbers: settings, webhook URL and new conversations are the chosen number’s', async () => {
    m = await startMessenger({
      numbers: [
        { id: 'sales', label: 'Sales line' },
        { id: 'support', label: 'Support line' },
      ],
    });
    page = await openPage(m);
    await page.live();
    const select = page.byTestId<HTMLSelectElement>('number-select');
    await eventually(() => expect(page.byTestId('number-switch').hidden).toBe(false));
    expect([...select.options].map((o) => [o.value, o.textContent])).toEqual([
      ['sales', 'Sales line (not connected)'],
      ['support', 'Support line (not connected)'],
    ]);
    expect(page.byTestId('webhook-url').textContent).toBe(`${m.messenger.url}/webhook`);

    select.value = 'support';
    select.dispatchEvent(new page.window.Event('change', { bubbles: true }));
    expect(page.byTestId('webhook-url').textContent).toBe(`${m.messenger.url}/webhook/support`);
    page.paste('settings-credentials', `${API_KEY}\n${SIGNING_SECRET}`);
    await eventually(() => expect(page.byTestId('settings-summary').dataset.configured).toBe('true'));
    const settings = m.messenger.state().numbers.map((n) => [n.id, n.settings.configured]);
    expect(settings).toEqual([
      ['sales', false],
      ['support', true],
    ]);

    page.byTestId<HTMLButtonElement>('start-conversation').click();
    await eventually(() => expect(page.all('[data-testid="conversation-item"]')).toHaveLength(1));
    const [item] = page.all('[data-testid="conversation-item"]');
    expect(item?.dataset.numberId).toBe('support');
    expect(item?.querySelector('[data-testid="conversation-number"]')?.textContent).toBe('Support line');
    expect(page.byTestId('chat-header').textContent).toMatch(/via Support line$/);
    expect(m.messenger.state().conversations[0]).toMatchObject({ numberId: 'support', id: 'conv-support-15550102030' });
  });
});
