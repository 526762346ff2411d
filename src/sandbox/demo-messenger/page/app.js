import { api, errorText } from './api.js';
import { setupComposer } from './composer.js';
import { renderConversations } from './render-conversations.js';
import { renderRefused } from './render-refused.js';
import { renderThread } from './render-thread.js';
import { setupSettings } from './settings-panel.js';

const byTestId = (id) => document.querySelector(`[data-testid="${id}"]`);

let snapshot = null;
/** Local time the snapshot arrived, to age the server's clock for the typing indicator. */
let snapshotAt = 0;
let selectedId = sessionStorage.getItem('demo-messenger:conversation');
/** The number the settings show and new conversations start on; the first one until the admin switches. */
let numberId = sessionStorage.getItem('demo-messenger:number');
let typingTimer;
const readsAsked = new Set();

const errorBanner = byTestId('error-banner');
function report(text) {
  errorBanner.textContent = text;
  errorBanner.hidden = false;
  clearTimeout(report.timer);
  report.timer = setTimeout(() => {
    errorBanner.hidden = true;
  }, 6000);
}

const newConversationForm = byTestId('new-conversation-form');
const clientField = (name) => newConversationForm.elements.namedItem(name).value;

/** Conversations this page opened: selectable before the snapshot that lists them arrives. */
const openedHere = new Set();

/** Opens (or finds: one per number) the conversation of the client named on the left. */
async function openConversation() {
  const current = currentNumber();
  const result = await api('POST', '/api/conversations', {
    name: clientField('name'),
    phone: clientField('phone'),
    ...(current ? { numberId: current.id } : {}),
  });
  if (!result.ok) {
    composer.showError(errorText(result));
    return null;
  }
  openedHere.add(result.body.conversation.id);
  select(result.body.conversation.id);
  return result.body.conversation.id;
}
// Shared while in flight, so a double click, or a text and a picture sent at once, open one conversation.
let opening = null;
function ensureConversation() {
  opening ??= openConversation().finally(() => {
    opening = null;
  });
  return opening;
}

const composer = setupComposer({
  form: byTestId('composer'),
  input: byTestId('composer-input'),
  sendButton: byTestId('send-button'),
  errorLine: byTestId('composer-error'),
  pictureButton: byTestId('picture-button'),
  pictureTray: byTestId('picture-tray'),
  locationButton: byTestId('location-button'),
  locationTray: byTestId('location-tray'),
  // A remembered id the messenger no longer has (it keeps no history across restarts) counts as none.
  current: () =>
    openedHere.has(selectedId) || snapshot?.conversations.some((c) => c.id === selectedId) ? selectedId : null,
  ensureConversation,
});

/** The number picked in the switcher (a remembered one the messenger no longer runs counts as the first). */
function currentNumber() {
  const numbers = snapshot?.numbers ?? [];
  return numbers.find((n) => n.id === numberId) ?? numbers[0];
}

const numberSelect = byTestId('number-select');
numberSelect.addEventListener('change', () => {
  numberId = numberSelect.value;
  sessionStorage.setItem('demo-messenger:number', numberId);
  render();
});

function renderNumbers() {
  const numbers = snapshot.numbers ?? [];
  byTestId('number-switch').hidden = numbers.length < 2;
  const current = currentNumber();
  if (numberSelect.options.length !== numbers.length) {
    numberSelect.replaceChildren(
      ...numbers.map((n) => {
        const option = document.createElement('option');
        option.value = n.id;
        return option;
      }),
    );
  }
  for (const option of numberSelect.options) {
    const number = numbers.find((n) => n.id === option.value);
    option.textContent = number
      ? `${number.label}${number.settings.configured ? '' : ' (not connected)'}`
      : option.value;
  }
  if (current) numberSelect.value = current.id;
  byTestId('settings-number').textContent = numbers.length > 1 && current ? ` of ${current.label}` : '';
}

const settings = setupSettings({
  panel: byTestId('settings-panel'),
  form: byTestId('settings-form'),
  credentials: byTestId('settings-credentials'),
  webhookUrl: byTestId('webhook-url'),
  copyButton: byTestId('copy-webhook-url'),
  status: byTestId('settings-status'),
  summary: byTestId('settings-summary'),
  lastTest: byTestId('last-test-event'),
  settingsPath: () => {
    const current = currentNumber();
    const first = snapshot?.numbers?.[0];
    return !current || current.id === first?.id
      ? '/api/settings'
      : `/api/numbers/${encodeURIComponent(current.id)}/settings`;
  },
});

const handlers = {
  onReact: async (messageId, emoji) => {
    const result = await api('POST', `/api/messages/${encodeURIComponent(messageId)}/reactions`, { emoji });
    if (!result.ok) report(errorText(result));
  },
  onRetry: async (messageId) => {
    const result = await api('POST', `/api/messages/${encodeURIComponent(messageId)}/retry`, {});
    if (!result.ok) report(errorText(result));
  },
  onReply: (text, callbackData) =>
    composer.send(
      callbackData === undefined ? { type: 'text', text } : { type: 'text', text, callback_data: callbackData },
    ),
};

function select(id) {
  selectedId = id;
  sessionStorage.setItem('demo-messenger:conversation', id);
  // Opening a conversation of another number switches to that number: what is written next goes out through it.
  const conversation = snapshot?.conversations.find((c) => c.id === id);
  if (conversation?.numberId) {
    numberId = conversation.numberId;
    sessionStorage.setItem('demo-messenger:number', numberId);
  }
  render();
}

/** The client has seen the manager messages of the open conversation: one read receipt each (the server dedupes). */
function markShownAsRead(conversation) {
  if (!conversation || document.visibilityState !== 'visible') return;
  for (const message of conversation.messages) {
    if (message.direction !== 'manager' || message.status !== 'delivered' || readsAsked.has(message.id)) continue;
    readsAsked.add(message.id);
    api('POST', `/api/messages/${encodeURIComponent(message.id)}/read`, {}).then((result) => {
      if (result.ok) return;
      report(errorText(result));
      // Asked again on a later render, not in a tight loop.
      setTimeout(() => readsAsked.delete(message.id), 5000);
    });
  }
}

function renderTyping(conversation) {
  const indicator = byTestId('typing-indicator');
  clearTimeout(typingTimer);
  const serverNow = snapshot.now + (Date.now() - snapshotAt);
  const left = conversation?.typing ? conversation.typing.expiresAt - serverNow : 0;
  indicator.hidden = left <= 0;
  if (left > 0) typingTimer = setTimeout(render, left + 50);
}

/** The open conversation, or who the first message written below will come from. */
function renderHeader(conversation) {
  // A write-first chat without a name is named by its phone already: the phone once is enough.
  const detail = conversation && (conversation.phone ?? conversation.id);
  const numbers = snapshot?.numbers ?? [];
  const numberOf = (id) => numbers.find((n) => n.id === id)?.label ?? id;
  const through = numbers.length > 1 ? numberOf(conversation ? conversation.numberId : currentNumber()?.id) : '';
  byTestId('chat-header').textContent = conversation
    ? [conversation.client.name, detail, through && `via ${through}`]
        .filter((part, i, all) => part && all.indexOf(part) === i)
        .join(' · ')
    : `New conversation as ${clientField('name')} (${clientField('phone')})${through ? ` via ${through}` : ''}: write below to start it`;
}

function render() {
  if (!snapshot) return;
  renderNumbers();
  settings.render(currentNumber()?.settings ?? snapshot.settings, snapshot.lastTest);
  composer.setSamples(snapshot.samples);
  const conversation = snapshot.conversations.find((c) => c.id === selectedId);
  const labels = new Map((snapshot.numbers ?? []).map((n) => [n.id, n.label]));
  renderConversations(byTestId('conversation-list'), snapshot.conversations, selectedId, select, labels);
  renderHeader(conversation);
  renderRefused(byTestId('refused-deliveries'), snapshot.refusedDeliveries, snapshot.events);
  renderThread(byTestId('thread'), conversation, handlers);
  renderTyping(conversation);
  markShownAsRead(conversation);
}

newConversationForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  if (await ensureConversation()) byTestId('composer-input').focus();
});
newConversationForm.addEventListener('input', () => {
  if (snapshot && !snapshot.conversations.some((c) => c.id === selectedId)) renderHeader(undefined);
});

document.addEventListener('visibilitychange', render);

const connection = byTestId('connection-status');
const events = new EventSource('/events');
events.addEventListener('state', (event) => {
  snapshot = JSON.parse(event.data);
  snapshotAt = Date.now();
  connection.textContent = 'live';
  connection.dataset.state = 'live';
  render();
});
events.addEventListener('error', () => {
  // EventSource reconnects by itself; the next snapshot brings the page up to date.
  connection.textContent = 'reconnecting…';
  connection.dataset.state = 'reconnecting';
});
