import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildWidget } from '../harness/built-widget';
import { PanelSession } from '../harness/panel-session';

let session: PanelSession;

beforeAll(() => {
  buildWidget();
}, 120_000);

afterEach(() => session?.close());

describe('the built script.js under RequireJS', () => {
  it('returns a constructor whose render, init and bind_actions return true without calling the backend', async () => {
    session = await PanelSession.open();
    const { callbacks } = session.widget;
    // areas.md order, then mechanics.md order: both must work
    expect([callbacks.render(), callbacks.init(), callbacks.bind_actions()]).toEqual([true, true, true]);
    expect([callbacks.render(), callbacks.bind_actions(), callbacks.init()]).toEqual([true, true, true]);
    await session.settle();
    expect(session.page.ajaxCalls).toHaveLength(0);
    expect(session.panel()).toBeNull();
  });

  it("render starts loading the archive's style.css once, in the settings area only", async () => {
    session = await PanelSession.open({ area: 'lcard' });
    expect(session.widget.callbacks.render()).toBe(true);
    expect(session.stylesheets()).toEqual([]);
    session.close();

    session = await PanelSession.open();
    const { callbacks } = session.widget;
    callbacks.render();
    callbacks.render();
    const path = String(session.widget.get_settings().path);
    expect(session.stylesheets().map((link) => link.getAttribute('href'))).toEqual([`${path}/style.css?v=0.1.0`]);
    // the same page, reopened settings and a second widget object (amoCRM rebuilds it per area): still one link
    session.openSettings();
    session.page.closeSettings();
    session.page.instantiate(session.amd.Widget).callbacks.render();
    session.openSettings();
    expect(session.stylesheets()).toHaveLength(1);
    expect(session.page.ajaxCalls).toHaveLength(0);
  });

  it('settings links style.css too when render never ran, and the sheet styles the panel', async () => {
    session = await PanelSession.open();
    session.openSettings();
    const [link] = session.stylesheets();
    expect(link).toBeDefined();
    // the markup does not wait for the sheet: the panel is in the modal as soon as settings() returns
    expect(session.panel()?.querySelector('h2')).not.toBeNull();
    if (link?.sheet === null) await new Promise((resolve) => link?.addEventListener('load', resolve));
    const heading = session.panel()?.querySelector('h2') as HTMLElement;
    expect(session.window.getComputedStyle(heading).fontWeight).toBe('600');
  });

  it('mounts the panel into the settings block and shows the account read from APP', async () => {
    session = await PanelSession.open();
    const modal = session.openSettings();
    const panel = session.panel();
    expect(panel?.parentElement?.classList.contains('widget_settings_block')).toBe(true);
    expect(modal.root.contains(panel)).toBe(true);
    expect(session.panelText()).toContain('acme');
    expect(session.panelText()).toContain('af9945ff-1490-4cad-807d-945c15d88bec');
    expect(session.panelText()).toContain(session.text('status.idle'));
  });

  it('works with only the deprecated AMOCRM global', async () => {
    session = await PanelSession.open({ legacyGlobal: true });
    expect(Reflect.get(session.window, 'APP')).toBeUndefined();
    session.openSettings();
    expect(session.panelText()).toContain('af9945ff-1490-4cad-807d-945c15d88bec');
    await session.link();
    expect(JSON.parse(session.page.ajaxCalls.at(-1)?.data ?? '').amojo_id).toBe('af9945ff-1490-4cad-807d-945c15d88bec');
    expect(session.backend.links.size).toBe(1);
  });

  it('speaks the admin language from the host i18n', async () => {
    session = await PanelSession.open({ lang: 'ru' });
    session.openSettings();
    expect(session.panelText()).toContain('Ожидает согласия');
    expect(session.panelText()).toContain(session.text('consent.label'));
  });

  it('sends nothing before consent, and the required custom field blocks Save until then', async () => {
    session = await PanelSession.open();
    const modal = session.openSettings();
    await session.settle();
    expect(session.page.ajaxCalls).toHaveLength(0);
    expect(modal.customInput.value).toBe('');
    const outcome = await session.page.clickSave(session.widget);
    expect(outcome).toEqual({ saved: false, reason: 'required_field_empty' });
    expect(session.alerts()).toContain(session.text('consent.required'));
    expect(session.page.ajaxCalls).toHaveLength(0);
  });

  it('writes consent into the hidden custom input with a change event, then loads the status', async () => {
    session = await PanelSession.open();
    const modal = session.openSettings();
    let changes = 0;
    modal.customInput.addEventListener('change', () => {
      changes += 1;
    });
    await session.giveConsent();
    // consent first, then the link state once the status arrives
    expect(changes).toBe(2);
    expect(modal.saveButton.disabled).toBe(false);
    const value = JSON.parse(modal.customInput.value) as { consent_at: string; link: string };
    expect(Number.isNaN(Date.parse(value.consent_at))).toBe(false);
    expect(value.link).toBe('unlinked');
    // the numbers and the pipelines' names, nothing else
    expect(session.page.ajaxCalls.map((c) => `${c.method} ${new URL(c.url).pathname}`).sort()).toEqual([
      'GET /api/widget/links',
      'GET /api/widget/pipelines',
    ]);
    expect(session.panelText()).toContain(session.text('status.unlinked'));
    expect(session.panelText()).toContain(session.text('status.unlinked_hint'));
  });

  it('loads the status at once when consent was saved before, without touching the saved field', async () => {
    const saved = JSON.stringify({ consent_at: '2026-11-01T10:00:00.000Z', link: 'unlinked' });
    session = await PanelSession.open({ saved: { channel_link: saved } });
    const modal = session.openSettings();
    await session.settle();
    expect(modal.customInput.value).toBe(saved);
    expect(modal.saveButton.disabled).toBe(true);
    expect(session.page.ajaxCalls.every((c) => c.method === 'GET')).toBe(true);
    expect(session.page.ajaxCalls).toHaveLength(2);
    expect(session.panelText()).toContain(session.text('status.unlinked'));
  });

  it('waits for installation before contacting the backend, and says so', async () => {
    session = await PanelSession.open({ installStatus: 'install' });
    session.openSettings();
    await session.giveConsent();
    expect(session.page.ajaxCalls).toHaveLength(0);
    expect(session.panelText()).toContain(session.text('status.install_first'));
    const outcome = await session.page.clickSave(session.widget);
    expect(outcome.saved).toBe(true);
    expect(outcome.result).toBe(true);
    expect(session.page.ajaxCalls).toHaveLength(0);
  });

  it('destroy removes the panel and every listener it added, and leaves the page one stylesheet', async () => {
    session = await PanelSession.open();
    // the fake modal's own change listener is the page's, not the widget's
    const widgetListeners = () => session.listeners.live().filter((l) => !l.target.startsWith('div.modal'));
    const before = widgetListeners();
    session.openSettings();
    await session.link();
    expect(widgetListeners().length).toBeGreaterThan(before.length);
    session.widget.callbacks.destroy();
    expect(session.panel()).toBeNull();
    expect(widgetListeners()).toEqual(before);
    // loaded once per page, as the docs do: scoped rules match nothing without the panel, and the next settings
    // (destroy also runs on every change of area) finds the sheet already there
    expect(session.stylesheets()).toHaveLength(1);
    expect(session.window.document.querySelectorAll('style')).toHaveLength(0);
  });

  it('drops answers that arrive after destroy and keeps working when settings reopen', async () => {
    session = await PanelSession.open();
    session.openSettings();
    const release = session.backend.hold();
    session.input('consent.label').click();
    await session.settle();
    session.widget.callbacks.destroy();
    release();
    await session.settle();
    expect(session.panel()).toBeNull();
    expect(session.backend.requests).toHaveLength(2);
    session.page.closeSettings();
    session.openSettings();
    await session.giveConsent();
    expect(session.window.document.querySelectorAll('.channel-link-widget')).toHaveLength(1);
    expect(session.panelText()).toContain(session.text('status.unlinked'));
  });

  it('replaces the panel when settings open twice without a destroy in between', async () => {
    session = await PanelSession.open();
    session.openSettings();
    session.openSettings();
    expect(session.window.document.querySelectorAll('.channel-link-widget')).toHaveLength(1);
  });

  it('explains why a missing amojo id blocks linking', async () => {
    session = await PanelSession.open({ accountConstant: { id: 31_415_926, subdomain: 'acme' } });
    session.openSettings();
    expect(session.alerts()).toContain(session.text('account.amojo_missing'));
  });
});
