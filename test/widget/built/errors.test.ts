import { readFileSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { linkErrorCodes } from '../../../src/contracts/link';
import { buildWidget } from '../harness/built-widget';
import { PanelSession } from '../harness/panel-session';

const SUPPORT_EMAIL = (JSON.parse(readFileSync('manifest.json', 'utf8')) as { widget: { support: { email: string } } })
  .widget.support.email;

let session: PanelSession;

beforeAll(() => {
  buildWidget();
}, 120_000);

afterEach(() => session?.close());

async function readyToLink(): Promise<PanelSession> {
  const s = await PanelSession.open();
  s.openSettings();
  await s.giveConsent();
  s.type('form.webhook_label', 'https://messenger.example.com/hooks/crm');
  return s;
}

describe('every error the backend can return', () => {
  it.each(linkErrorCodes)('%s on link shows its message in the admin language and what to do next', async (code) => {
    session = await readyToLink();
    session.backend.injectError(code);
    session.button('form.submit_link').click();
    await session.settle();
    const alert = session.alerts().find((a) => a.includes(session.text(`errors.${code}`)));
    expect(alert).toBeDefined();
    const support = session.text('errors.support').replace('{email}', SUPPORT_EMAIL);
    expect(session.panelText()).toContain(session.text('status.unlinked'));
    if (code === 'account_not_installed') {
      // what to do next is Grant access, not support: the form waits for access
      expect(alert).not.toContain(support);
      expect(session.hasButton('access.grant')).toBe(true);
      expect(session.hasButton('form.submit_link')).toBe(false);
      return;
    }
    // our contact, as moderation asks of every error the admin cannot fix: the address from manifest.json, built in;
    // a refusal for not being an admin is fixed by asking one, and says so
    if (code === 'admin_required') expect(alert).not.toContain(support);
    else expect(alert).toContain(support);
    expect(session.button('form.submit_link').disabled).toBe(false);
  });

  it.each(linkErrorCodes)('%s on the status request leaves the state unknown with a retry', async (code) => {
    session = await PanelSession.open();
    session.openSettings();
    session.backend.injectError(code);
    await session.giveConsent();
    expect(session.panelText()).toContain(session.text('status.error'));
    expect(session.alerts().join()).toContain(session.text(`errors.${code}`));
    expect(session.hasButton('form.submit_link')).toBe(false);
    session.button('status.retry').click();
    await session.settle();
    expect(session.panelText()).toContain(session.text('status.unlinked'));
    expect(session.alerts()).toEqual([]);
  });

  it('names the fields an invalid_request points at', async () => {
    session = await readyToLink();
    session.backend.injectError('invalid_request', [{ path: 'webhook_url', message: 'bad' }]);
    session.button('form.submit_link').click();
    await session.settle();
    const webhook = session.input('form.webhook_label');
    expect(webhook.getAttribute('aria-invalid')).toBe('true');
    const described = webhook.getAttribute('aria-describedby')!.split(' ');
    const errorText = session.window.document.getElementById(described[0]!)?.textContent;
    expect(errorText).toBe(session.text('form.error_rejected'));
    expect(session.input('form.title_label').getAttribute('aria-invalid')).toBe('false');
    session.type('form.webhook_label', 'https://other.example.com/hook');
    expect(webhook.getAttribute('aria-invalid')).toBe('false');
  });

  it('flags the webhook field when the backend policy refuses the URL', async () => {
    session = await PanelSession.open();
    session.backend.blockedWebhookHosts.add('10.0.0.7');
    session.openSettings();
    await session.giveConsent();
    session.type('form.webhook_label', 'http://10.0.0.7/hook');
    session.button('form.submit_link').click();
    await session.settle();
    expect(session.alerts().join()).toContain(session.text('errors.webhook_url_not_allowed'));
    expect(session.input('form.webhook_label').getAttribute('aria-invalid')).toBe('true');
  });

  it('reports a lost connection, a timeout and an answer outside the contract', async () => {
    session = await readyToLink();
    const cases = [
      { response: { status: 0, body: '' }, message: 'errors.network' },
      { response: { status: 0, body: '', timedOut: true }, message: 'errors.timeout' },
      { response: { status: 502, body: '<html>Bad gateway</html>' }, message: 'errors.bad_response' },
      { response: { status: 201, body: '{"created":true}' }, message: 'errors.bad_response' },
      {
        response: { status: 400, body: '{"error":{"code":"no_such_code","message":"x"}}' },
        message: 'errors.bad_response',
      },
    ];
    for (const { response, message } of cases) {
      session.backend.inject(response);
      session.button('form.submit_link').click();
      await session.settle();
      expect(session.alerts().join()).toContain(session.text(message));
    }
    expect(session.backend.links.size).toBe(0);
  });

  it('does not stay on "Checking the link…" when $authorizedAjax throws or returns no Deferred', async () => {
    session = await PanelSession.open();
    const working = session.widget.$authorizedAjax;
    session.widget.$authorizedAjax = () => {
      throw new TypeError('broken host');
    };
    session.openSettings();
    await session.giveConsent();
    expect(session.panelText()).not.toContain(session.text('status.loading'));
    expect(session.panelText()).toContain(session.text('status.error'));
    expect(session.alerts().join()).toContain(session.text('errors.network'));
    session.widget.$authorizedAjax = () => undefined as never;
    session.button('status.retry').click();
    await session.settle();
    expect(session.panelText()).toContain(session.text('status.error'));
    session.widget.$authorizedAjax = working;
    session.button('status.retry').click();
    await session.settle();
    expect(session.panelText()).toContain(session.text('status.unlinked'));
    expect(session.alerts()).toEqual([]);
  });

  it('shows the backend unlinking underneath a rotate as an unlinked state', async () => {
    session = await PanelSession.open();
    session.openSettings();
    await session.link();
    session.button('credentials.dismiss').click();
    session.backend.links.clear();
    session.button('actions.rotate').click();
    session.button('actions.rotate_yes').click();
    await session.settle();
    expect(session.alerts().join()).toContain(session.text('errors.link_not_found'));
    expect(session.panelText()).toContain(session.text('status.unlinked'));
    // the last number gone, the add form is back
    expect(session.hasButton('form.submit_link')).toBe(true);
    expect(session.hasButton('actions.rotate')).toBe(false);
  });

  it('keeps the link when unlink or test fails', async () => {
    session = await PanelSession.open();
    session.openSettings();
    await session.link();
    session.backend.injectError('rate_limited');
    session.button('actions.test').click();
    await session.settle();
    expect(session.alerts().join()).toContain(session.text('errors.rate_limited'));
    session.backend.injectError('channel_unavailable');
    session.button('actions.unlink').click();
    session.button('actions.unlink_yes').click();
    await session.settle();
    expect(session.alerts().join()).toContain(session.text('errors.channel_unavailable'));
    expect(session.panelText()).toContain(session.text('status.linked'));
    session.backend.injectError('storage_unavailable');
    session.button('actions.test').click();
    await session.settle();
    expect(session.alerts().join()).toContain(session.text('errors.storage_unavailable'));
    expect(session.panelText()).toContain(session.text('status.linked'));
  });

  it('checks the form before sending and explains each field', async () => {
    session = await PanelSession.open();
    session.openSettings();
    await session.giveConsent();
    session.type('form.title_label', '   ');
    session.type('form.webhook_label', 'ftp://example.com/x');
    const requests = session.backend.requests.length;
    session.button('form.submit_link').click();
    await session.settle();
    expect(session.backend.requests.length).toBe(requests);
    expect(session.panelText()).toContain(session.text('form.error_title_required'));
    expect(session.panelText()).toContain(session.text('form.error_webhook_invalid'));
    expect(session.alerts().join()).toContain(session.text('form.error_summary'));
    session.type('form.title_label', 'x'.repeat(256));
    session.type('form.webhook_label', '');
    session.button('form.submit_link').click();
    await session.settle();
    expect(session.panelText()).toContain(session.text('form.error_title_too_long', { max: 255 }));
    expect(session.panelText()).toContain(session.text('form.error_webhook_required'));
  });
});
