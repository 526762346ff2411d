import type { InboxBootstrap, InboxMessage, InboxState } from '../page-types';
import { type ComposerField, composeMessage } from './compose-message';
import { createRequestIds } from './create-request-ids';
import { byId, el, readBootstrap } from './el';
import { inboxApi } from './inbox-api';
import { applyTheme } from './page-toolbar';
import { renderChatList } from './render-chat-list';
import { renderMessage } from './render-message';
import { showFieldError } from './show-field-error';
import { wireWriteFirst } from './wire-write-first';

/** amojo sends at most one typing hook per 5 s and chat; the inbox asks no more often than that. */
const TYPING_EVERY_MS = 5000;

const boot = readBootstrap<InboxBootstrap>();
const ui = {
  connection: byId('inbox-connection'),
  error: byId('inbox-error'),
  chatList: byId('chat-list'),
  title: byId('thread-title'),
  meta: byId('thread-meta'),
  messages: byId('thread-messages'),
  typing: byId('client-typing'),
  composer: byId<HTMLFormElement>('composer'),
  kind: byId<HTMLSelectElement>('reply-kind'),
  pictureUrl: byId<HTMLInputElement>('reply-picture-url'),
  input: byId<HTMLTextAreaElement>('reply-input'),
  buttons: byId<HTMLInputElement>('reply-buttons'),
  send: byId<HTMLButtonElement>('reply-send'),
  replyError: byId('reply-error'),
  typingSend: byId<HTMLButtonElement>('typing-send'),
  typingAuto: byId<HTMLInputElement>('typing-auto'),
  replyPreview: byId('reply-to-preview'),
  replyText: byId('reply-to-text'),
  writeFirst: byId<HTMLFormElement>('write-first-form'),
  writeFirstScope: byId<HTMLSelectElement>('write-first-scope'),
};

let selected = new URL(location.href).searchParams.get('chat');
let replyTo: InboxMessage | null = null;
let lastTypingAt = 0;
/** A reply is on its way: Send stays disabled and another submit is ignored until it is answered. */
let sendingReply = false;
const replyIds = createRequestIds();
const rendered = { chats: '', thread: '', scopes: '' };

function showError(message: string) {
  ui.error.textContent = message;
}

const composerFields: Readonly<Record<ComposerField, HTMLElement>> = {
  text: ui.input,
  pictureUrl: ui.pictureUrl,
  buttons: ui.buttons,
};

/** A problem with the reply shows under the reply box, tied to the field it is about. */
function showReplyError(message: string, field: ComposerField = 'text') {
  showFieldError(ui.replyError, message === '' ? null : composerFields[field], message);
}

async function run(action: () => Promise<unknown>) {
  try {
    await action();
    showError('');
  } catch (error) {
    showError(error instanceof Error ? error.message : String(error));
  }
  await refresh();
}

/** Opens a chat and keeps it in the URL, so a reload shows the same one. */
function openChat(chatId: string) {
  selected = chatId;
  replyTo = null;
  ui.replyPreview.hidden = true;
  const url = new URL(location.href);
  url.searchParams.set('chat', chatId);
  history.replaceState(null, '', url);
}

function select(chatId: string) {
  openChat(chatId);
  void refresh();
}

const actions = {
  react: (messageId: string, emoji: string) =>
    void run(() => inboxApi.post('reactions', { messageId, type: 'react', emoji })),
  unreact: (messageId: string) => void run(() => inboxApi.post('reactions', { messageId, type: 'unreact' })),
  replyTo(message: InboxMessage) {
    replyTo = message;
    ui.replyText.textContent = `Replying to: ${message.text || `[${message.type}]`}`;
    ui.replyPreview.hidden = false;
    ui.input.focus();
  },
};

function renderScopes(state: InboxState) {
  const key = JSON.stringify([state.scopes, state.defaultScopeId]);
  if (key === rendered.scopes) return;
  rendered.scopes = key;
  const connected = state.scopes.filter((s) => s.connected);
  ui.connection.dataset.connected = String(connected.length > 0);
  ui.connection.textContent =
    connected.length === 0
      ? 'No account is connected to the channel yet: link it in the widget settings first.'
      : `Connected: ${connected.map((s) => s.title).join(', ')}`;
  ui.writeFirstScope.replaceChildren(
    ...connected.map((s) =>
      el('option', { value: s.scopeId, selected: s.scopeId === state.defaultScopeId }, `${s.title} (${s.accountId})`),
    ),
  );
  ui.writeFirstScope.hidden = connected.length < 2;
}

function renderThread(state: InboxState) {
  const thread = state.thread;
  const key = JSON.stringify(thread);
  ui.typing.hidden = thread?.chat.clientTyping !== true;
  ui.send.disabled = thread === null || sendingReply;
  ui.typingSend.disabled = thread === null;
  if (key === rendered.thread) return;
  rendered.thread = key;
  if (thread === null) {
    ui.title.textContent = 'No chat selected';
    ui.meta.textContent = '';
    ui.messages.replaceChildren(
      el('li', { class: 'thread-empty', 'data-testid': 'thread-empty' }, 'Pick a chat on the left.'),
    );
    return;
  }
  const { chat } = thread;
  ui.title.textContent = chat.clientName;
  ui.meta.textContent = [
    chat.clientPhone,
    chat.conversationId === null ? 'not bound yet' : `conversation ${chat.conversationId}`,
  ]
    .filter((part) => part !== null)
    .join(' · ');
  const atBottom = ui.messages.scrollHeight - ui.messages.scrollTop - ui.messages.clientHeight < 40;
  ui.messages.replaceChildren(...thread.messages.map((m) => renderMessage(m, actions)));
  ui.messages.dataset.chatId = chat.id;
  if (atBottom) ui.messages.scrollTop = ui.messages.scrollHeight;
}

let inFlight: Promise<void> | null = null;
function refresh(): Promise<void> {
  inFlight ??= (async () => {
    try {
      let state = await inboxApi.state(selected);
      if (selected !== null && state.thread === null) selected = null;
      // With no chat open, the newest one opens by itself: a newcomer sees the client's first message, no click.
      const newest = state.chats[0];
      if (selected === null && newest !== undefined) {
        openChat(newest.id);
        state = await inboxApi.state(selected);
      }
      renderScopes(state);
      const chatsKey = JSON.stringify([state.chats, selected]);
      if (chatsKey !== rendered.chats) {
        rendered.chats = chatsKey;
        renderChatList(ui.chatList, state.chats, selected, select);
      }
      renderThread(state);
    } catch (error) {
      showError(`Cannot reach the sandbox: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      inFlight = null;
    }
  })();
  return inFlight;
}

function sendTyping() {
  if (selected === null) return;
  lastTypingAt = Date.now();
  const chatId = selected;
  void run(() => inboxApi.post('typing', { chatId }));
}

ui.composer.addEventListener('submit', (event) => {
  event.preventDefault();
  // Ctrl+Enter submits even while Send is disabled, so the flag, not the button, keeps a reply from going twice.
  if (selected === null || sendingReply) return;
  const composed = composeMessage({
    kind: ui.kind.value === 'picture' ? 'picture' : 'text',
    text: ui.input.value,
    pictureUrl: ui.pictureUrl.value,
    buttons: ui.buttons.value,
  });
  if (!composed.ok) {
    showReplyError(composed.error, composed.field);
    composerFields[composed.field].focus();
    return;
  }
  showReplyError('');
  const body = {
    chatId: selected,
    message: composed.message,
    ...(replyTo === null ? {} : { replyTo: { messageId: replyTo.id } }),
  };
  sendingReply = true;
  ui.send.disabled = true;
  void (async () => {
    try {
      await inboxApi.post('messages', { ...body, requestId: replyIds.idFor(body) });
      replyIds.settle();
      ui.input.value = '';
      ui.buttons.value = '';
      replyTo = null;
      ui.replyPreview.hidden = true;
    } catch (error) {
      showReplyError(error instanceof Error ? error.message : String(error));
    } finally {
      sendingReply = false;
      ui.send.disabled = selected === null;
    }
    await refresh();
  })();
});
ui.input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) ui.composer.requestSubmit();
});
ui.composer.addEventListener('input', () => showReplyError(''));
ui.input.addEventListener('input', () => {
  if (ui.typingAuto.checked && Date.now() - lastTypingAt >= TYPING_EVERY_MS) sendTyping();
});
ui.typingSend.addEventListener('click', sendTyping);
ui.kind.addEventListener('change', () => {
  ui.pictureUrl.hidden = ui.kind.value !== 'picture';
});
byId('reply-to-cancel').addEventListener('click', () => {
  replyTo = null;
  ui.replyPreview.hidden = true;
});
wireWriteFirst(ui.writeFirst, ui.writeFirstScope, async (body) => {
  const started = await inboxApi.post<{ chat: { id: string } }>('write-first', body);
  select(started.chat.id);
});

const themeToggle = byId<HTMLInputElement>('theme-toggle');
themeToggle.checked = document.documentElement.getAttribute('data-color-scheme') === 'dark';
themeToggle.addEventListener('change', () => applyTheme(themeToggle.checked ? 'dark' : 'light'));
byId('manager-name').textContent = boot.managerName === '' ? '' : `Manager: ${boot.managerName}`;
ui.pictureUrl.value = boot.samplePictureUrl;

void refresh();
setInterval(() => void refresh(), boot.pollMs);
