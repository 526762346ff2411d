import { afterEach, describe, expect, it } from 'vitest';
import type { AmocrmPageOptions } from '../../../src/sandbox/amocrm-page/amocrm-page-options';
import type { JsdomInstance } from './load-jsdom';
import { openFakeWidgetPage } from './open-fake-widget-page';
import { type PageHarness, startPageHarness } from './page-harness';
import { until } from './until';

// biome-ignore lint/suspicious/noExplicitAny: the page's globals are untyped from the test's side
type PageWindow = Window & typeof globalThis & Record<string, any>;

// The modal's keyboard behaviour and the sandbox's first-visit conveniences, with the hand-written widget.
describe('the settings modal, run in jsdom', () => {
  let h: PageHarness;
  let dom: JsdomInstance;
  let win: PageWindow;

  async function load(options: Partial<AmocrmPageOptions> = {}) {
    h = await startPageHarness(options);
    // The page logs every widget callback for a person at the console; the test reads the DOM instead.
    dom = await openFakeWidgetPage(h, (window) => {
      window.console.info = () => {};
    });
    win = dom.window as unknown as PageWindow;
    await until(() => win.__sandbox, 'the page script');
    await win.__sandbox.ready;
  }
  afterEach(async () => {
    dom?.window.close();
    await h?.close();
  });

  const q = <T extends HTMLElement = HTMLElement>(selector: string) => win.document.querySelector<T>(selector);
  const active = () => win.document.activeElement;
  const press = (target: EventTarget, key: string, shiftKey = false) => {
    const event = new win.KeyboardEvent('keydown', { key, shiftKey, bubbles: true, cancelable: true });
    target.dispatchEvent(event);
    return event.defaultPrevented;
  };

  it('moves focus into the modal, keeps Tab and Shift+Tab inside it, and gives it back to the tile', async () => {
    await load();
    const tile = q('[data-testid="widget-tile"]')!;
    tile.focus();
    tile.click();
    const modal = q('[data-testid="settings-modal"]')!;
    // the first control of the settings block: here the manifest's text field, before the widget's own panel
    expect(active()).toBe(q('input[name="label"]'));

    const close = q('[data-testid="settings-close"]')!;
    const save = q('[data-testid="settings-save"]')!;
    save.focus();
    expect(press(save, 'Tab')).toBe(true);
    expect(active()).toBe(close);
    expect(press(close, 'Tab', true)).toBe(true);
    expect(active()).toBe(save);
    // inside the modal, Tab is left to the browser
    const label = q('input[name="label"]')!;
    label.focus();
    expect(press(label, 'Tab')).toBe(false);

    // Tab from outside the modal (the sandbox's top bar, which a mouse can still reach) goes back in, both ways
    const langSelect = q('[data-testid="lang-select"]')!;
    langSelect.focus();
    expect(press(langSelect, 'Tab')).toBe(true);
    expect(active()).toBe(close);
    langSelect.focus();
    expect(press(langSelect, 'Tab', true)).toBe(true);
    expect(active()).toBe(save);
    // and so does Tab with focus on nothing (after a focused control was removed)
    (active() as HTMLElement).blur();
    expect(press(win.document.body, 'Tab')).toBe(true);
    expect(active()).toBe(close);
    expect(modal.contains(active())).toBe(true);

    press(win.document.body, 'Escape');
    expect(q('[data-testid="settings-modal"]')).toBeNull();
    expect(win.__calls.at(-1)).toBe('destroy');
    expect(active()).toBe(tile);
    // once closed, the page's Tab is the browser's again
    expect(press(tile, 'Tab')).toBe(false);
  });

  it('returns focus to the tile after the × button, the overlay, and Disable', async () => {
    await load();
    const tile = q('[data-testid="widget-tile"]')!;
    tile.click();
    q('[data-testid="settings-close"]')!.click();
    expect(active()).toBe(tile);

    tile.click();
    q('[data-testid="settings-overlay"]')!.click();
    expect(active()).toBe(tile);

    tile.click();
    win.__consent();
    await win.__sandbox.save();
    // after Install the modal comes back in its installed form, with focus inside it again
    expect(q('[data-testid="settings-modal"]')!.contains(active())).toBe(true);
    await win.__sandbox.disable();
    expect(q('[data-testid="settings-modal"]')).toBeNull();
    expect(active()).toBe(tile);
  });

  it('opens the settings by itself while the widget is not installed, when asked to, and not once installed', async () => {
    await load({ openSettingsUntilInstalled: true });
    expect(q('[data-testid="settings-modal"]')).not.toBeNull();
    expect(win.__calls).toContain('settings:install');
    dom.window.close();
    await h.close();

    await load({ openSettingsUntilInstalled: true, installed: true });
    expect(q('[data-testid="settings-modal"]')).toBeNull();
    dom.window.close();
    await h.close();

    await load();
    expect(q('[data-testid="settings-modal"]')).toBeNull();
  });

  it('starts with the saved settings it is given and links the other pages in its top bar', async () => {
    const seed = JSON.stringify({ webhook_url: 'http://127.0.0.1:8083/webhook' });
    await load({
      savedSettings: { channel_link: seed },
      links: [{ label: 'Demo <messenger>', url: 'http://127.0.0.1:8083/?a=1&b="2"' }],
    });
    expect(win.__widget.get_settings().channel_link).toBe(seed);
    q('[data-testid="widget-tile"]')!.click();
    expect(q<HTMLInputElement>('#sandbox_channel_link_custom')!.value).toBe(seed);

    const link = q<HTMLAnchorElement>('[data-testid="page-link"]')!;
    expect(link.textContent).toBe('Demo <messenger> ↗');
    expect(link.getAttribute('href')).toBe('http://127.0.0.1:8083/?a=1&b="2"');
    expect(link.target).toBe('_blank');
  });
});
