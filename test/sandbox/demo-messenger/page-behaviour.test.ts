import { afterEach, describe, expect, it, vi } from 'vitest';
import { bridgePaths } from '../../../src/contracts/bridge';
import { API_KEY, docEvent, type Messenger, SIGNING_SECRET, startMessenger } from './harness';
import { openPage, type PageDom } from './page-dom';

const eventually = (check: () => void) => vi.waitFor(check, { timeout: 3000, interval: 20 });

// Each test starts a messenger and loads the real page in jsdom: the first one also pays jsdom's start-up, which takes
// more than vitest's default 5 s on a loaded two-core machine.
describe('demo messenger page, as a person uses it (jsdom)', { timeout: 20_000 }, () => {
  let m: Messenger;
  let page: PageDom;
  afterEach(async () => {
    page?.close();
    await m?.close();
  });

  async function start(options: Parameters<typeof startMessenger>[0] = {}, configured = true) {
    m = await startMessenger(options);
    if (configured) await m.configure();
    page = await openPage(m);
    await page.live();
  }
  const sendButton = () => page.byTestId<HTMLButtonElement>('send-button');
  const composer = () => page.byTestId<HTMLInputElement>('composer-input');

  describe('settings', () => {
    it('opens the settings while unconfigured and explains what to paste', async () => {
      await start({}, false);
      const panel = page.byTestId<HTMLDetailsElement>('settings-panel');
      await eventually(() => expect(page.byTestId('settings-summary').dataset.configured).toBe('false'));
      expect(panel.open).toBe(true);
      expect(page.byTestId('settings-summary').textContent).toMatch(/not connected yet/);
      expect(panel.textContent).toMatch(/press\s+"Copy both" there and paste them here/);
      expect(page.byTestId('webhook-url').textContent).toBe(m.messenger.webhookUrl);
    });

    it('saves both credentials from one paste, with no Save click, and says whose account it is', async () => {
      await start({}, false);
      page.paste('settings-credentials', `${API_KEY}\n${SIGNING_SECRET}`);
      await eventually(() => expect(page.byTestId('settings-summary').dataset.configured).toBe('true'));
      await eventually(() =>
        expect(page.byTestId('settings-status').textContent).toMatch(/^Connected to Demo shop \(demoshop/),
      );
      expect(page.byTestId<HTMLTextAreaElement>('settings-credentials').value).toBe('');
      expect(m.messenger.state().settings).toMatchObject({ apiKeyHint: 'ck_liv…', configured: true });
    });

    it('shows a wrong key and a stale secret as errors, never as connected', async () => {
      await start({}, false);
      page.paste('settings-credentials', `ck_wrong_key_000000000000000000\n${SIGNING_SECRET}`);
      await eventually(() =>
        expect(page.byTestId('settings-status').textContent).toMatch(/does not accept this API key/),
      );
      expect(page.byTestId('settings-status').dataset.state).toBe('error');
      page.paste('settings-credentials', `${API_KEY}\ncs_stale_secret_from_before_relink_00`);
      await eventually(() =>
        expect(page.byTestId('settings-status').textContent).toMatch(/^The signing secret does not match/),
      );
      expect(page.byTestId('settings-summary').dataset.configured).toBe('false');
      expect(m.messenger.state().settings.configured).toBe(false);
    });

    it('keeps the separate fields and Save working', async () => {
      await start({}, false);
      page.byTestId<HTMLInputElement>('settings-api-key').value = API_KEY;
      page.byTestId<HTMLInputElement>('settings-signing-secret').value = SIGNING_SECRET;
      page.byTestId('settings-save').click();
      await eventually(() => expect(page.byTestId('settings-summary').dataset.configured).toBe('true'));
    });
  });

  describe('composer', () => {
    it('is disabled while empty or blank, and usable at once without opening a conversation first', async () => {
      await start();
      expect(sendButton().disabled).toBe(true);
      page.type('composer-input', '   ');
      expect(sendButton().disabled).toBe(true);
      expect(page.byTestId('chat-header').textContent).toMatch(/^New conversation as Alex Client/);
      page.type('composer-input', 'Hello there');
      expect(sendButton().disabled).toBe(false);
      sendButton().click();
      // A double click: the second one finds the text already on its way.
      sendButton().click();
      await eventually(() => expect(m.bridge.callsTo(bridgePaths.messages)).toHaveLength(1));
      await eventually(() => expect(page.all('[data-testid=message][data-status=sent]')).toHaveLength(1));
      expect(page.byTestId('chat-header').textContent).toBe('Alex Client · +1 555 010 2030');
      expect(composer().value).toBe('');
      expect(sendButton().disabled).toBe(true);
      expect(m.messenger.state().conversations).toHaveLength(1);
    });

    it('still opens a conversation with "Start chatting"', async () => {
      await start();
      page.byTestId('start-conversation').click();
      await eventually(() => expect(page.all('[data-testid=conversation-item]')).toHaveLength(1));
    });

    it('keeps a refused message once, in the chat with Retry, and shows why next to the composer', async () => {
      await start();
      const refusal = { status: 401, body: { error: { code: 'auth_invalid', message: 'The API key is not valid.' } } };
      m.bridge.respond(bridgePaths.messages, refusal);
      page.type('composer-input', 'Is anyone there?');
      sendButton().click();
      await eventually(() => expect(page.byTestId('composer-error').hidden).toBe(false));
      expect(page.byTestId('composer-error').textContent).toMatch(
        /^Not sent: The bridge did not accept the call: auth_invalid \(HTTP 401\); the API key is not valid any more/,
      );
      // The text is not back in the composer, so a second Send cannot post it again under a new id.
      expect(composer().value).toBe('');
      expect(sendButton().disabled).toBe(true);
      await eventually(() => expect(page.all('[data-testid=message][data-status=failed]')).toHaveLength(1));

      page.byTestId('retry-button').click();
      await eventually(() => expect(page.all('[data-testid=message][data-status=sent]')).toHaveLength(1));
      const [first, second] = m.bridge.callsTo(bridgePaths.messages);
      expect(second?.body).toEqual(first?.body);
      expect(page.all('[data-testid=message]')).toHaveLength(1);
    });

    it('passes a second tick on the client’s message once the bridge says amoCRM has it', async () => {
      await start({ statusPollDelaysMs: [5, 5], newId: () => 'm1' });
      m.bridge.respond('/bridge/v1/messages/cm-m1', { status: 200, body: { id: 'cm-m1', status: 'sent' } });
      page.type('composer-input', 'Tick me');
      sendButton().click();
      await eventually(() => expect(page.byTestId('message-status').getAttribute('aria-label')).toBe('In amoCRM'));
      expect(page.byTestId('message-status').textContent).toBe('✓✓');
    });
  });

  describe('refused deliveries', () => {
    it('lists the deliveries the webhook refused, with the reason, until one passes again', async () => {
      await start();
      const list = page.byTestId('refused-deliveries');
      expect(list.hidden).toBe(true);
      m.clock.now += 1000;
      await m.deliver(docEvent('hook-message-v2-picture.json', { eventId: 'evt-1' }), {
        secret: 'cs_stale_after_relink_0000000000000',
        headers: { 'X-Channel-Event-Id': 'evt-1' },
      });
      await eventually(() => expect(list.hidden).toBe(false));
      const item = page.byTestId('refused-delivery');
      expect(item.dataset.code).toBe('signature_mismatch');
      expect(item.textContent).toMatch(/HTTP 401 signature_mismatch \(event evt-1\): The signature does not match/);
      m.clock.now += 1000;
      await m.deliver(docEvent('hook-message-v2-picture.json', { eventId: 'evt-1' }));
      await eventually(() => expect(list.hidden).toBe(true));
    });
  });
});
