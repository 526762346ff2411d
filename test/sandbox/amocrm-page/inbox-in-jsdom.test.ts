import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { inboundText } from '../amojo-emulator/harness';
import { JSDOM, type JsdomInstance } from './load-jsdom';
import { type PageHarness, startPageHarness } from './page-harness';
import { until } from './until';

/** What the page posted, and a way to lose the answer of the next post to a path (the server still acts on it). */
interface Network {
  readonly posts: string[];
  loseNextAnswer: string | null;
  /** While set, the page's state polls wait for it: what the test writes meanwhile lands in one poll. */
  hold: Promise<void> | null;
}

describe('the inbox, run in jsdom', () => {
  let h: PageHarness;
  let dom: JsdomInstance | null = null;
  let net: Network;
  beforeEach(async () => {
    h = await startPageHarness({ inboxPollMs: 40 });
    await h.amojo.connect();
    net = { posts: [], loseNextAnswer: null, hold: null };
  });
  afterEach(async () => {
    dom?.window.close();
    dom = null;
    await h.close();
  });

  async function openInbox(): Promise<Document> {
    dom = await JSDOM.fromURL(`${h.page.url}/inbox`, {
      runScripts: 'dangerously',
      resources: 'usable',
      pretendToBeVisual: true,
      // jsdom has no fetch; the page gets Node's, resolving its relative URLs against the page
      beforeParse(window) {
        window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
          const url = new URL(String(input), h.page.url);
          if (init?.method === 'POST') net.posts.push(url.pathname);
          if (url.pathname === '/_sandbox/inbox/state' && net.hold !== null) await net.hold;
          const response = await fetch(url, init);
          if (init?.method === 'POST' && net.loseNextAnswer === url.pathname) {
            net.loseNextAnswer = null;
            throw new TypeError('Failed to fetch');
          }
          return response;
        };
      },
    });
    const doc = dom.window.document;
    await until(() => doc.getElementById('inbox-connection')?.textContent, 'the page script');
    return doc;
  }

  const byTestId = <T extends HTMLElement = HTMLElement>(doc: Document, id: string) => {
    const found = doc.querySelector<T>(`[data-testid="${id}"]`);
    if (found === null) throw new Error(`no ${id}`);
    return found;
  };

  /** A client writes through "our backend": a chat in the emulator, newest by `at`. */
  async function clientWrites(msgid: string, conversationId: string, text: string, at: number) {
    const body = inboundText(msgid, conversationId, `client-${conversationId}`, text);
    const payload = { ...body.payload, timestamp: Math.floor(at / 1000), msec_timestamp: at };
    expect((await h.amojo.call({ path: h.amojo.paths.message(), body: { ...body, payload } })).status).toBe(200);
    return h.amojo.emulator.listChats().find((c) => c.conversationId === conversationId)!.id;
  }

  const outgoing = (chatId: string) => h.amojo.emulator.listMessages(chatId).filter((m) => m.direction === 'outgoing');

  it("opens the newest chat by itself, so the client's first message shows without a click", async () => {
    const doc = await openInbox();
    await until(() => doc.querySelector('[data-testid="chat-list-empty"]'), 'the empty list');
    // both chats arrive between two polls (on a slow machine a poll could otherwise see the older one alone, open
    // it, and rightly keep it open)
    let release: () => void = () => {};
    net.hold = new Promise<void>((resolve) => {
      release = resolve;
    });
    const older = await clientWrites('m-1', 'conv-old', 'An older question', Date.UTC(2026, 2, 2, 9));
    const newest = await clientWrites('m-2', 'conv-new', 'Hello, is anyone there?', Date.UTC(2026, 2, 2, 10));
    net.hold = null;
    release();
    const thread = byTestId(doc, 'thread');
    await until(() => thread.dataset.chatId === newest, 'the newest chat to open');
    await until(() => thread.textContent?.includes('Hello, is anyone there?'), 'the message');
    const item = (id: string) =>
      doc.querySelector<HTMLButtonElement>(`[data-testid="chat-item"][data-chat-id="${id}"]`);
    expect(item(newest)?.getAttribute('aria-current')).toBe('true');
    expect(new URL(dom!.window.location.href).searchParams.get('chat')).toBe(newest);

    // clicking still picks another chat, and the choice is kept
    item(older)!.click();
    await until(() => thread.dataset.chatId === older, 'the clicked chat');
    await until(() => item(older)?.getAttribute('aria-current') === 'true', 'the list to follow');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(thread.dataset.chatId).toBe(older);
  });

  it('sends a double-clicked reply once, with Send disabled while it is on its way', async () => {
    const chatId = await clientWrites('m-1', 'conv-1', 'Where is my order?', Date.UTC(2026, 2, 2, 10));
    h.amojo.receiver.state.delayMs = 100;
    const doc = await openInbox();
    await until(() => byTestId(doc, 'thread').dataset.chatId === chatId, 'the chat');
    const send = byTestId<HTMLButtonElement>(doc, 'reply-send');
    const input = byTestId<HTMLTextAreaElement>(doc, 'reply-input');
    await until(() => !send.disabled, 'Send enabled');
    input.value = 'It ships today';
    send.click();
    expect(send.disabled).toBe(true);
    send.click();
    byTestId<HTMLFormElement>(doc, 'composer').requestSubmit();
    await until(() => input.value === '' && !send.disabled, 'the reply to go');
    expect(net.posts.filter((p) => p === '/_sandbox/inbox/messages')).toHaveLength(1);
    expect(outgoing(chatId).map((m) => m.content.text)).toEqual(['It ships today']);
  });

  it('sends again with the same request id after a lost answer, so the server still makes one message', async () => {
    const chatId = await clientWrites('m-1', 'conv-1', 'Hello?', Date.UTC(2026, 2, 2, 10));
    const doc = await openInbox();
    await until(() => byTestId(doc, 'thread').dataset.chatId === chatId, 'the chat');
    const send = byTestId<HTMLButtonElement>(doc, 'reply-send');
    const input = byTestId<HTMLTextAreaElement>(doc, 'reply-input');
    const error = byTestId(doc, 'reply-error');
    net.loseNextAnswer = '/_sandbox/inbox/messages';
    input.value = 'Yes, we are here';
    send.click();
    await until(() => error.textContent?.includes('Failed to fetch'), 'the lost answer to show');
    expect(input.value).toBe('Yes, we are here');
    expect(outgoing(chatId)).toHaveLength(1);

    send.click();
    await until(() => input.value === '', 'the retry to be answered');
    expect(net.posts.filter((p) => p === '/_sandbox/inbox/messages')).toHaveLength(2);
    expect(outgoing(chatId).map((m) => m.content.text)).toEqual(['Yes, we are here']);
    expect(error.textContent).toBe('');
  });

  it('shows "Write a message first" under the reply box, tied to it, and clears it on typing', async () => {
    const chatId = await clientWrites('m-1', 'conv-1', 'Hi', Date.UTC(2026, 2, 2, 10));
    const doc = await openInbox();
    await until(() => byTestId(doc, 'thread').dataset.chatId === chatId, 'the chat');
    const input = byTestId<HTMLTextAreaElement>(doc, 'reply-input');
    const error = byTestId(doc, 'reply-error');
    await until(() => !byTestId<HTMLButtonElement>(doc, 'reply-send').disabled, 'Send enabled');
    byTestId(doc, 'reply-send').click();
    expect(error.textContent).toBe('Write a message first.');
    expect(byTestId(doc, 'composer').contains(error)).toBe(true);
    expect(input.nextElementSibling).toBe(error);
    expect(input.getAttribute('aria-describedby')).toBe('reply-error');
    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(doc.activeElement).toBe(input);
    expect(byTestId(doc, 'inbox-error').textContent).toBe('');
    expect(net.posts).toEqual([]);

    input.value = 'H';
    input.dispatchEvent(new dom!.window.Event('input', { bubbles: true }));
    expect(error.textContent).toBe('');
    expect(input.hasAttribute('aria-describedby')).toBe(false);
    expect(input.hasAttribute('aria-invalid')).toBe(false);
  });

  it('refuses a phone that is not one beside the field, and starts a named conversation once', async () => {
    const doc = await openInbox();
    const phone = byTestId<HTMLInputElement>(doc, 'write-first-phone');
    const name = byTestId<HTMLInputElement>(doc, 'write-first-name');
    const text = byTestId<HTMLTextAreaElement>(doc, 'write-first-text');
    const send = byTestId<HTMLButtonElement>(doc, 'write-first-send');
    const error = byTestId(doc, 'write-first-error');

    phone.value = 'abc';
    text.value = 'Your order is ready';
    send.click();
    expect(error.textContent).toContain('"abc" is not a phone number');
    expect(phone.getAttribute('aria-describedby')).toBe('write-first-error');
    expect(phone.getAttribute('aria-invalid')).toBe('true');
    phone.value = '79161234567';
    send.click();
    expect(error.textContent).toContain('+ and the country code');
    expect(net.posts).toEqual([]);
    expect(h.amojo.emulator.listChats()).toEqual([]);

    h.amojo.receiver.state.delayMs = 100;
    phone.value = '+1 555 010 9999';
    name.value = 'Ivan Petrov';
    send.click();
    expect(error.textContent).toBe('');
    expect(send.disabled).toBe(true);
    send.click();
    byTestId<HTMLFormElement>(doc, 'write-first-form').requestSubmit();
    await until(() => phone.value === '' && !send.disabled, 'the form to reset');
    expect(net.posts).toEqual(['/_sandbox/inbox/write-first']);
    const [chat] = h.amojo.emulator.listChats();
    expect(h.amojo.emulator.listMessages(chat!.id).map((m) => m.content.text)).toEqual(['Your order is ready']);
    const client = h.amojo.emulator.listParticipants().find((p) => p.id === chat!.clientParticipantId);
    expect(client).toMatchObject({ phone: '+15550109999', name: 'Ivan Petrov' });
    expect(JSON.parse(h.amojo.receiver.received.at(-1)!.raw.toString()).message.receiver).toMatchObject({
      phone: '+15550109999',
      name: 'Ivan Petrov',
    });
    await until(() => byTestId(doc, 'thread').dataset.chatId === chat!.id, 'the new chat to open');
    await until(() => byTestId(doc, 'thread-title').textContent === 'Ivan Petrov', 'the title');
  });

  it('shows a refusal of the server in the write-first form, tied to the field it names', async () => {
    await h.amojo.emulator.uninstall(h.amojo.emulator.listConnections()[0]!.accountId);
    const doc = await openInbox();
    byTestId<HTMLInputElement>(doc, 'write-first-phone').value = '+15550109999';
    byTestId<HTMLTextAreaElement>(doc, 'write-first-text').value = 'Hi';
    byTestId(doc, 'write-first-send').click();
    const error = byTestId(doc, 'write-first-error');
    await until(() => error.textContent?.includes('no account is connected'), 'the refusal');
    expect(byTestId<HTMLButtonElement>(doc, 'write-first-send').disabled).toBe(false);
    expect(byTestId<HTMLInputElement>(doc, 'write-first-phone').value).toBe('+15550109999');
  });
});
