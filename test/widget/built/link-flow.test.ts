import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildWidget } from '../harness/built-widget';
import { PanelSession } from '../harness/panel-session';

let session: PanelSession;

beforeAll(() => {
  buildWidget();
}, 120_000);

afterEach(() => session?.close());

function credentialInputs(s: PanelSession) {
  return { apiKey: s.input('credentials.api_key'), secret: s.input('credentials.signing_secret') };
}

describe('linking through the panel', () => {
  it('adds the first number with a POST through $authorizedAjax and shows the credentials exactly once', async () => {
    session = await PanelSession.open();
    const modal = session.openSettings();
    await session.giveConsent();
    session.type('form.title_label', '  Acme chat  ');
    session.type('form.webhook_label', 'https://messenger.example.com/hooks/crm');
    session.input('form.time_window_label').click();
    const release = session.backend.hold();
    session.button('form.submit_link').click();
    await session.settle();
    expect(session.panelText()).toContain(session.text('status.linking'));
    expect(session.button('form.submitting').disabled).toBe(true);
    release();
    await session.settle();

    const post = session.page.ajaxCalls.at(-1)!;
    expect(post).toMatchObject({ method: 'POST', type: 'POST', contentType: 'application/json', dataType: 'text' });
    expect(post.url).toBe('http://127.0.0.1:8080/api/widget/links');
    expect(JSON.parse(post.data ?? '')).toEqual({
      amojo_id: 'af9945ff-1490-4cad-807d-945c15d88bec',
      title: 'Acme chat',
      webhook_url: 'https://messenger.example.com/hooks/crm',
      time_window_disabled: true,
      pipeline_id: null,
    });
    expect(session.backend.requests.at(-1)?.headers['x-auth-token']).toMatch(/^fake\.31415926\./);

    const [stored] = [...session.backend.links.values()];
    const { apiKey, secret } = credentialInputs(session);
    expect(apiKey.value).toMatch(/^ak_test_/);
    expect(stored?.api_key_hint).toBe(apiKey.value.slice(0, 8));
    expect(secret.value).toMatch(/^ss_test_/);
    expect(session.panelText()).toContain(session.text('status.linked'));
    expect(JSON.parse(modal.customInput.value).link).toBe('linked');
    expect(modal.customInput.value).not.toContain(apiKey.value);

    session.button('credentials.dismiss').click();
    expect(session.panelText()).not.toContain(apiKey.value);
    expect(session.window.document.body.innerHTML).not.toContain(secret.value);
    session.widget.callbacks.destroy();
    session.openSettings();
    await session.giveConsent();
    expect(session.panelText()).toContain(session.text('status.linked'));
    expect(session.hasButton('credentials.dismiss')).toBe(false);
    expect(session.window.document.body.innerHTML).not.toContain(secret.value);
  });

  it('copies both credentials with one button, a line each, or says to copy them by hand without a clipboard', async () => {
    session = await PanelSession.open();
    session.openSettings();
    await session.link();
    // one button for both: the inputs carry no copy buttons of their own
    const buttons = [...session.panel()!.querySelectorAll('button')].map((b) => b.textContent);
    expect(buttons.filter((text) => text?.startsWith(session.text('credentials.copy_both')))).toHaveLength(1);
    session.button('credentials.copy_both').click();
    await session.settle();
    expect(session.panelText()).toContain(session.text('credentials.copy_failed'));

    const written: string[] = [];
    Object.defineProperty(session.window.navigator, 'clipboard', {
      value: { writeText: async (text: string) => void written.push(text) },
    });
    session.widget.callbacks.destroy();
    session.openSettings();
    await session.giveConsent();
    session.button('actions.rotate').click();
    session.button('actions.rotate_yes').click();
    await session.settle();
    session.button('credentials.copy_both').click();
    await session.settle();
    const { apiKey, secret } = credentialInputs(session);
    expect(written).toEqual([`${apiKey.value}\n${secret.value}`]);
    expect(session.panelText()).toContain(session.text('credentials.copied'));
    expect(session.panelText()).not.toContain(session.text('credentials.copy_failed'));
    // dismissing forgets the outcome with the credentials
    session.button('credentials.dismiss').click();
    expect(session.panelText()).not.toContain(session.text('credentials.copied'));
  });

  it('rotates only after confirmation; Escape cancels and gives focus back', async () => {
    session = await PanelSession.open();
    session.openSettings();
    await session.link();
    const firstKey = credentialInputs(session).apiKey.value;
    session.button('credentials.dismiss').click();

    const rotate = session.button('actions.rotate');
    rotate.click();
    const dialog = session.panel()!.querySelector('[role="alertdialog"]')!;
    expect(dialog.textContent).toContain(session.text('actions.rotate_confirm'));
    expect(session.window.document.activeElement).toBe(session.button('actions.rotate_yes'));
    dialog.dispatchEvent(new session.window.KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
    expect(session.panel()!.querySelector('[role="alertdialog"]')).toBeNull();
    expect(session.window.document.activeElement).toBe(session.button('actions.rotate'));
    expect(session.backend.requests.filter((r) => r.path.endsWith('/rotate'))).toHaveLength(0);

    session.button('actions.rotate').click();
    session.button('actions.rotate_yes').click();
    await session.settle();
    const { apiKey } = credentialInputs(session);
    expect(apiKey.value).not.toBe(firstKey);
    expect(session.panelText()).toContain(session.text('credentials.active_key', { hint: apiKey.value.slice(0, 8) }));
  });

  it('sends a test event and reports each outcome with what to check', async () => {
    session = await PanelSession.open();
    session.openSettings();
    await session.link();
    session.button('actions.test').click();
    await session.settle();
    expect(session.page.ajaxCalls.at(-1)).toMatchObject({ method: 'POST', data: '{}' });
    expect(session.panelText()).toContain(session.text('test.delivered', { id: 'evt_4', status: 200, ms: 42 }));

    session.backend.testOutcome = { outcome: 'timeout', http_status: null, duration_ms: 10_000 };
    session.button('actions.test').click();
    await session.settle();
    expect(session.panelText()).toContain(session.text('test.timeout', { id: 'evt_5' }));
  });

  it('unlinks after confirmation and can link again', async () => {
    session = await PanelSession.open();
    const modal = session.openSettings();
    await session.link();
    session.button('actions.unlink').click();
    session.button('actions.cancel').click();
    expect(session.backend.links.size).toBe(1);
    session.button('actions.unlink').click();
    session.button('actions.unlink_yes').click();
    await session.settle();
    expect(session.page.ajaxCalls.at(-1)?.method).toBe('DELETE');
    expect(session.backend.links.size).toBe(0);
    expect(session.panelText()).toContain(session.text('actions.unlinked'));
    expect(session.panelText()).toContain(session.text('status.unlinked'));
    expect(session.hasButton('credentials.dismiss')).toBe(false);
    expect(JSON.parse(modal.customInput.value).link).toBe('unlinked');
    // the last number gone, the add form is back on its own
    session.type('form.webhook_label', 'https://messenger.example.com/hooks/again');
    session.button('form.submit_link').click();
    await session.settle();
    expect(session.backend.links.size).toBe(1);
  });

  it('edits a number with a PUT on its own path, without new credentials', async () => {
    session = await PanelSession.open();
    session.openSettings();
    await session.link();
    session.button('credentials.dismiss').click();
    session.button('numbers.edit').click();
    // the form takes focus, so the keyboard lands in what it opened
    expect(session.window.document.activeElement).toBe(session.input('form.title_label'));
    expect(session.button('form.submit_update').disabled).toBe(true);
    session.type('form.title_label', 'Renamed');
    session.button('form.submit_update').click();
    await session.settle();
    const [stored] = [...session.backend.links.values()];
    expect(session.page.ajaxCalls.at(-1)).toMatchObject({
      method: 'PUT',
      url: `http://127.0.0.1:8080/api/widget/links/${stored?.id}`,
    });
    expect(stored?.title).toBe('Renamed');
    // the form closed and focus went back to the number's own Edit button
    expect(session.hasButton('form.submit_update')).toBe(false);
    expect(session.window.document.activeElement).toBe(session.button('numbers.edit'));
    expect(session.panelText()).toContain(session.text('form.saved'));
    expect(session.hasButton('credentials.dismiss')).toBe(false);
  });

  it('submits on Enter in a field and keeps the key from reaching the modal', async () => {
    session = await PanelSession.open();
    const modal = session.openSettings();
    let reachedModal = false;
    modal.root.addEventListener('keydown', () => {
      reachedModal = true;
    });
    await session.giveConsent();
    session.type('form.webhook_label', 'https://messenger.example.com/hooks/crm');
    const input = session.input('form.webhook_label');
    input.dispatchEvent(new session.window.KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    await session.settle();
    expect(reachedModal).toBe(false);
    expect(session.backend.links.size).toBe(1);
  });
});

describe('onSave', () => {
  it('links pending changes and resolves true, keeping the one-time credentials away from the host page', async () => {
    session = await PanelSession.open();
    session.openSettings();
    await session.giveConsent();
    session.type('form.webhook_label', 'https://messenger.example.com/hooks/crm');
    const outcome = await session.page.clickSave(session.widget);
    expect(outcome.saved).toBe(true);
    expect(outcome.result).toBe(true);
    expect(JSON.parse(String(session.page.saved.channel_link)).link).toBe('linked');
    expect(session.input('credentials.api_key').value).toMatch(/^ak_test_/);
  });

  it('sends nothing on an unchanged Save, also after a reinstall while the list is still loading', async () => {
    session = await PanelSession.open();
    session.openSettings();
    await session.link();
    const writes = () => session.backend.requests.filter((r) => r.method !== 'GET').length;
    const before = writes();
    expect((await session.page.clickSave(session.widget)).saved).toBe(true);
    // disabling: onSave, then destroy; nothing is sent
    expect(await session.widget.callbacks.onSave({ active: 'N' })).toBe(true);
    session.widget.callbacks.destroy();
    session.page.closeSettings();

    // installed again: the saved consent starts the list request; Save is pressed before it answers. The backend
    // reconnects the numbers on install, so an unchanged Save has nothing to send
    const release = session.backend.hold();
    session.openSettings();
    const saving = session.page.clickSave(session.widget);
    await session.settle();
    release();
    const outcome = await saving;
    expect(outcome).toEqual({ saved: true, result: true });
    expect(writes()).toBe(before);
    expect(session.panelText()).toContain(session.text('status.linked'));
  });

  it('rejects with the admin-facing message when the backend refuses', async () => {
    session = await PanelSession.open();
    session.openSettings();
    await session.giveConsent();
    session.type('form.webhook_label', 'https://messenger.example.com/hooks/crm');
    session.backend.injectError('channel_unavailable');
    const outcome = await session.page.clickSave(session.widget);
    expect(outcome).toMatchObject({ saved: false, reason: 'onSave_rejected' });
    expect((outcome.error as Error).message).toBe(session.text('errors.channel_unavailable'));
  });

  it('resolves true without any request when unlinked and nothing changed, or the widget is being disabled', async () => {
    session = await PanelSession.open();
    session.openSettings();
    await session.giveConsent();
    const requests = session.backend.requests.length;
    expect(await session.widget.callbacks.onSave({ active: 'Y' })).toBe(true);
    session.type('form.webhook_label', 'https://messenger.example.com/hooks/crm');
    expect(await session.widget.callbacks.onSave({ active: 'N' })).toBe(true);
    expect(session.backend.requests.length).toBe(requests);
  });

  it('returns a Promise even when no settings panel is open', async () => {
    session = await PanelSession.open();
    const result = session.widget.callbacks.onSave();
    expect(result).toBeInstanceOf(session.window.Promise);
    expect(await result).toBe(true);
  });
});
