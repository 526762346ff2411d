import type { InboxBootstrap, InboxMessage, InboxState } from '../page-types';
import { composeMessage } from './compose-message';
import { byId, el, readBootstrap } from './el';
import { inboxApi } from './inbox-api';
import { applyTheme } from './page-toolbar';
import { renderChatList } from './render-chat-list';
import { renderMessage } from './render-message';
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
const rendered = { chats: '', thread: '', scopes: '' };

function showError(message: string) {
  ui.error.textContent = message;
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

function select(chatId: string) {
  selected = chatId;
  replyTo = null;
  ui.replyPreview.hidden = true;
  const url = new URL(location.href);
  url.searchParams.set('chat', chatId);
  history.replaceState(null, '', url);
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
  ui.send.disabled = thread === null;
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
      const state = await inboxApi.state(selected);
      if (selected !== null && state.thread === null) selected = null;
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
  if (selected === null) return;
  const composed = composeMessage({
    kind: ui.kind.value === 'picture' ? 'picture' : 'text',
    text: ui.input.value,
    pictureUrl: ui.pictureUrl.value,
    buttons: ui.buttons.value,
  });
  if (!composed.ok) return showError(composed.error);
  const body = {
    chatId: selected,
    message: composed.message,
    ...(replyTo === null ? {} : { replyTo: { messageId: replyTo.id } }),
  };
  void run(async () => {
    await inboxApi.post('messages', body);
    ui.input.value = '';
    ui.buttons.value = '';
    replyTo = null;
    ui.replyPreview.hidden = true;
  });
});
ui.input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) ui.composer.requestSubmit();
});
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
wireWriteFirst(ui.writeFirst, ui.writeFirstScope, (body) =>
  run(async () => {
    const started = await inboxApi.post<{ chat: { id: string } }>('write-first', body);
    ui.writeFirst.reset();
    select(started.chat.id);
  }),
);

const themeToggle = byId<HTMLInputElement>('theme-toggle');
themeToggle.checked = document.documentElement.getAttribute('data-color-scheme') === 'dark';
themeToggle.addEventListener('change', () => applyTheme(themeToggle.checked ? 'dark' : 'light'));
byId('manager-name').textContent = boot.managerName === '' ? '' : `Manager: ${boot.managerName}`;
ui.pictureUrl.value = boot.samplePictureUrl;

void refresh();
setInterval(() => void refresh(), boot.pollMs);
