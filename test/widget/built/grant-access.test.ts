import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildWidget } from '../harness/built-widget';
import { fakeGrantUrl } from '../harness/fake-link-backend';
import { PanelSession, testAccount } from '../harness/panel-session';

/** The backend origin the test build is made for (buildWidget's default WIDGET_BACKEND_URL). */
const backendOrigin = 'http://127.0.0.1:8080';

let session: PanelSession;

beforeAll(() => {
  buildWidget();
}, 120_000);

afterEach(() => session?.close());

/** A page whose window.open hands back a popup the test controls, or null as a popup blocker does. */
async function openWithoutAccess(blocked = false) {
  session = await PanelSession.open();
  session.backend.installation = 'needs_reauthorization';
  const popup = { closed: false };
  const opened: unknown[][] = [];
  session.window.open = ((...args: unknown[]) => {
    opened.push(args);
    return blocked ? null : popup;
  }) as typeof window.open;
  session.openSettings();
  await session.giveConsent();
  const statusRequests = () =>
    session.backend.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/links')).length;
  const post = (origin: string) =>
    session.window.dispatchEvent(
      new session.window.MessageEvent('message', { origin, data: { type: 'amocrm-channel:grant', ok: true } }),
    );
  return { popup, opened, statusRequests, post };
}

describe('granting access from the built widget', () => {
  it('says why and opens the grant URL in a popup; only the backend origin message refreshes the status', async () => {
    const page = await openWithoutAccess();
    expect(session.panelText()).toContain(session.text('access.needs_reauthorization'));
    expect(session.hasButton('form.submit_link')).toBe(false);
    session.button('access.grant').click();
    expect(page.opened.map((args) => args[0])).toEqual([fakeGrantUrl]);

    const before = page.statusRequests();
    session.backend.installation = 'active';
    page.post('https://evil.example');
    await session.settle();
    expect(page.statusRequests()).toBe(before);
    expect(session.hasButton('access.grant')).toBe(true);

    page.post(backendOrigin);
    await session.settle();
    expect(page.statusRequests()).toBe(before + 1);
    expect(session.hasButton('access.grant')).toBe(false);
    expect(session.hasButton('form.submit_link')).toBe(true);
  });

  it('refreshes the status when the popup closes without a message', async () => {
    const page = await openWithoutAccess();
    session.button('access.grant').click();
    const before = page.statusRequests();
    session.backend.installation = 'active';
    page.popup.closed = true;
    // the widget polls popup.closed every 500 ms: wait for the refresh, not for a time
    await vi.waitFor(() => expect(page.statusRequests()).toBe(before + 1), { timeout: 5000, interval: 50 });
    await session.settle();
    expect(session.hasButton('form.submit_link')).toBe(true);
  });

  it('a blocked popup asks to allow pop-ups', async () => {
    await openWithoutAccess(true);
    expect(session.panelText()).not.toContain(session.text('access.popup_blocked'));
    session.button('access.grant').click();
    await session.settle();
    expect(session.alerts().join()).toContain(session.text('access.popup_blocked'));
  });

  it('a viewer who is not an admin gets the read-only view and onSave sends nothing', async () => {
    session = await PanelSession.open();
    session.backend.viewerIsAdmin = false;
    session.backend.seed(testAccount, {
      title: 'Support chat',
      webhook_url: 'https://messenger.example.com/hooks/crm',
    });
    const modal = session.openSettings();
    await session.giveConsent();
    expect(session.panelText()).toContain(session.text('access.admin_only'));
    expect(session.numberTitles()).toEqual(['Support chat']);
    expect(session.panelText()).not.toContain('messenger.example.com');
    expect(session.panel()?.querySelectorAll('input[type="text"]').length).toBe(0);
    expect(session.hasButton('actions.rotate')).toBe(false);
    const requests = session.backend.requests.length;
    expect(await session.page.clickSave(session.widget)).toMatchObject({ saved: true });
    expect(session.backend.requests.length).toBe(requests);
    expect(modal).toBeDefined();
  });
});
