import { api, errorText } from './api.js';
import { setupComposer } from './composer.js';
import { renderConversations } from './render-conversations.js';
import { renderThread } from './render-thread.js';
import { setupSettings } from './settings-panel.js';

const byTestId = (id) => document.querySelector(`[data-testid="${id}"]`);

let snapshot = null;
/** Local time the snapshot arrived, to age the server's clock for the typing indicator. */
let snapshotAt = 0;
let selectedId = sessionStorage.getItem('demo-messenger:conversation');
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

const composer = setupComposer({
  form: byTestId('composer'),
  input: byTestId('composer-input'),
  pictureButton: byTestId('picture-button'),
  pictureTray: byTestId('picture-tray'),
  locationButton: byTestId('location-button'),
  locationTray: byTestId('location-tray'),
  current: () => selectedId,
  report,
});

const settings = setupSettings({
  panel: byTestId('settings-panel'),
  form: byTestId('settings-form'),
  webhookUrl: byTestId('webhook-url'),
  copyButton: byTestId('copy-webhook-url'),
  status: byTestId('settings-status'),
  summary: byTestId('settings-summary'),
  lastTest: byTestId('last-test-event'),
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

function render() {
  if (!snapshot) return;
  settings.render(snapshot.settings, snapshot.lastTest);
  composer.setSamples(snapshot.samples);
  const conversation = snapshot.conversations.find((c) => c.id === selectedId);
  renderConversations(byTestId('conversation-list'), snapshot.conversations, selectedId, select);
  const header = byTestId('chat-header');
  header.textContent = conversation
    ? `${conversation.client.name} · ${conversation.phone ?? conversation.id}`
    : 'Pick a conversation or start a new one';
  composer.setEnabled(Boolean(conversation));
  renderThread(byTestId('thread'), conversation, handlers);
  renderTyping(conversation);
  markShownAsRead(conversation);
}

byTestId('new-conversation-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.currentTarget;
  const result = await api('POST', '/api/conversations', {
    name: form.elements.namedItem('name').value,
    phone: form.elements.namedItem('phone').value,
  });
  if (!result.ok) return report(errorText(result));
  select(result.body.conversation.id);
  byTestId('composer-input').focus();
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
