import { escapeHtml, jsonForScript } from '../../http/html-text';
import type { InboxSourceOption } from './build-inbox-state';
import { inboxCss } from './inbox-css';
import { pageCss } from './page-css';
import type { InboxBootstrap } from './page-types';

/**
 * The manager's inbox; inbox.js fills the chat list and thread from /_sandbox/inbox/state. The account's sources (one
 * per messenger number) are the write-first form's "through number" choices, as amoCRM's phone menu lists them; the
 * first option leaves the choice to amoCRM (no source: its default logic).
 */
export function renderInboxPage(boot: InboxBootstrap, sources: readonly InboxSourceOption[] = []): string {
  const sourceOptions = sources
    .map((s) => {
      const label = s.pipelineName === null ? s.name : `${s.name} → ${s.pipelineName}`;
      return `<option value="${escapeHtml(s.externalId)}">${escapeHtml(label)}</option>`;
    })
    .join('');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>amoCRM sandbox · inbox</title>
<style>${pageCss}${inboxCss}</style>
<script type="application/json" id="sandbox-bootstrap">${jsonForScript(boot)}</script>
<script>if (new URL(location.href).searchParams.get('theme') === 'dark') document.documentElement.setAttribute('data-color-scheme', 'dark');</script>
<script defer src="/_sandbox/assets/inbox.js"></script>
</head>
<body>
<header class="sandbox-topbar">
  <strong>amoCRM sandbox</strong>
  <nav><a href="/" data-testid="crm-page-link">Settings</a><a href="/inbox" aria-current="page">Inbox</a></nav>
  <span class="sandbox-spacer"></span>
  <span id="manager-name" data-testid="manager-name"></span>
  <label><input type="checkbox" id="theme-toggle" data-testid="theme-toggle"> Dark theme</label>
</header>
<main class="inbox">
  <aside class="inbox-side">
    <div id="inbox-connection" class="inbox-connection" data-testid="inbox-connection"></div>
    <div id="inbox-error" class="inbox-error" role="alert" data-testid="inbox-error"></div>
    <ul id="chat-list" class="chat-list" data-testid="chat-list"></ul>
    <details class="write-first" open>
      <summary>Start a conversation by phone</summary>
      <form id="write-first-form" data-testid="write-first-form" novalidate>
        <select id="write-first-scope" data-testid="write-first-scope" aria-label="Account" hidden></select>
        <label class="write-first-source"${sources.length === 0 ? ' hidden' : ''}>Through number
          <select id="write-first-source" name="sourceExternalId" data-testid="write-first-source"><option value="">amoCRM's default</option>${sourceOptions}</select>
        </label>
        <input id="write-first-phone" data-testid="write-first-phone" type="tel" autocomplete="tel" placeholder="Phone with country code, e.g. +79161234567" aria-label="Phone" required>
        <input id="write-first-name" data-testid="write-first-name" autocomplete="name" placeholder="Client's name (optional)" aria-label="Client's name">
        <textarea id="write-first-text" data-testid="write-first-text" placeholder="First message" aria-label="First message" required></textarea>
        <p id="write-first-error" class="field-error" data-testid="write-first-error" role="alert"></p>
        <button type="submit" id="write-first-send" data-testid="write-first-send">Start conversation</button>
      </form>
    </details>
  </aside>
  <section class="inbox-thread">
    <header class="thread-header">
      <h2 id="thread-title" data-testid="thread-title">No chat selected</h2>
      <div id="thread-meta" class="thread-meta" data-testid="thread-meta"></div>
    </header>
    <ol id="thread-messages" class="thread-messages" data-testid="thread"></ol>
    <div id="client-typing" class="client-typing" data-testid="client-typing" hidden>The client is typing…</div>
    <form id="composer" class="composer" data-testid="composer" novalidate>
      <div id="reply-to-preview" class="reply-to-preview" data-testid="reply-to-preview" hidden>
        <span id="reply-to-text"></span>
        <button type="button" id="reply-to-cancel" class="button-secondary" data-testid="reply-to-cancel">Cancel reply</button>
      </div>
      <div class="composer-row">
        <select id="reply-kind" data-testid="reply-kind" aria-label="Message type">
          <option value="text">Text</option><option value="picture">Picture</option>
        </select>
        <input id="reply-picture-url" data-testid="reply-picture-url" aria-label="Picture URL" size="48" hidden>
      </div>
      <textarea id="reply-input" data-testid="reply-input" placeholder="Write a reply (Ctrl+Enter sends)" aria-label="Reply"></textarea>
      <p id="reply-error" class="field-error" data-testid="reply-error" role="alert"></p>
      <input id="reply-buttons" data-testid="reply-buttons" aria-label="Buttons" placeholder="Buttons (optional): Yes, No, Site|https://example.com">
      <div class="composer-actions">
        <label><input type="checkbox" id="typing-auto" data-testid="typing-auto"> Send typing while I write</label>
        <button type="button" id="typing-send" class="button-secondary" data-testid="typing-send">Send “typing”</button>
        <button type="submit" id="reply-send" data-testid="reply-send">Send</button>
      </div>
    </form>
  </section>
</main>
</body>
</html>
`;
}
