import { h, safeUrl, timeOf } from './dom.js';
import { renderMarkup } from './render-markup.js';
import { renderReactionPicker, renderReactions } from './render-reactions.js';

/**
 * Ticks per direction. The client's own messages: one when the bridge accepted the message, two once the bridge
 * says amoCRM has it (amoCRM never says when a manager read it). Manager messages: delivered here, then read.
 */
const statusMarks = {
  client: {
    sending: { mark: '…', label: 'Sending' },
    sent: { mark: '✓', label: 'Sent' },
    delivered: { mark: '✓✓', label: 'In amoCRM' },
    failed: { mark: '!', label: 'Not sent' },
  },
  manager: {
    delivered: { mark: '✓', label: 'Delivered' },
    read: { mark: '✓✓', label: 'Read' },
    failed: { mark: '!', label: 'Not sent' },
  },
};

function contentView(content) {
  switch (content.type) {
    case 'text':
      return h('p', { class: 'text', dataset: { testid: 'message-text' } }, content.text);
    case 'picture':
    case 'sticker': {
      const src = safeUrl(content.url);
      const alt = content.caption || content.file_name || content.type;
      return [
        src
          ? h('img', { class: 'picture', src, alt, loading: 'lazy', dataset: { testid: 'message-image' } })
          : h('p', { class: 'text' }, `[${content.type}]`),
        content.caption
          ? h('p', { class: 'text caption', dataset: { testid: 'message-caption' } }, content.caption)
          : null,
      ];
    }
    case 'location':
      return h('p', { class: 'text', dataset: { testid: 'message-location' } }, `📍 ${content.lat}, ${content.lon}`);
    case 'contact':
      return h(
        'p',
        { class: 'text', dataset: { testid: 'message-contact' } },
        `👤 ${content.name ?? ''} ${content.phone ?? ''}`,
      );
    default: {
      const href = safeUrl(content.url);
      const name = content.file_name || content.type;
      return [
        h(
          'a',
          { class: 'file', href, target: '_blank', rel: 'noopener', dataset: { testid: 'message-file' } },
          `📎 ${name}`,
        ),
        content.caption ? h('p', { class: 'text caption' }, content.caption) : null,
      ];
    }
  }
}

function quoteView(embedded, testid, prefix) {
  const what = embedded.text || embedded.file_name || embedded.type || 'a message';
  const who = embedded.sender_name ? `${embedded.sender_name}: ` : '';
  return h('blockquote', { class: 'quote', dataset: { testid } }, `${prefix}${who}${what}`);
}

export function renderMessage(message, handlers) {
  const status = statusMarks[message.direction]?.[message.status] ?? { mark: '?', label: message.status };
  const isManager = message.direction === 'manager';
  const author = isManager
    ? `${message.sender.name ?? 'Manager'}${message.sender.role === 'bot' ? ' (bot)' : ''}`
    : null;
  return h(
    'li',
    {
      class: `message message--${message.direction}`,
      dataset: {
        testid: 'message',
        direction: message.direction,
        status: message.status,
        messageId: message.id,
        type: message.content.type,
      },
    },
    h(
      'div',
      { class: 'bubble' },
      author ? h('p', { class: 'author', dataset: { testid: 'message-author' } }, author) : null,
      message.replyTo ? quoteView(message.replyTo, 'message-reply', '↩ ') : null,
      (message.forwarded ?? []).map((f) => quoteView(f, 'message-forward', '↪ Forwarded: ')),
      contentView(message.content),
      message.template
        ? h(
            'span',
            { class: 'badge', title: message.template.content, dataset: { testid: 'template-badge' } },
            'template',
          )
        : null,
      message.markup ? renderMarkup(message.markup, handlers) : null,
      h(
        'p',
        { class: 'meta' },
        h('time', {}, timeOf(message.createdAt)),
        h(
          'span',
          {
            class: `status status--${message.status}`,
            title: status.label,
            'aria-label': status.label,
            dataset: { testid: 'message-status' },
          },
          status.mark,
        ),
      ),
      // amoCRM refused it for good: the bridge would answer a resend as a duplicate, so a Retry would promise nothing;
      // the operator's `npm run replay` is the way on, and the reason is all the client needs to see.
      message.status === 'failed' && message.error === 'amocrm_refused'
        ? h('span', { class: 'retry', dataset: { testid: 'failed-reason' } }, 'amoCRM refused this message')
        : message.status === 'failed'
          ? h(
              'button',
              {
                type: 'button',
                class: 'retry',
                dataset: { testid: 'retry-button' },
                onclick: () => handlers.onRetry(message.id),
              },
              `Retry (${message.error ?? 'error'})`,
            )
          : null,
    ),
    renderReactions(message),
    isManager ? renderReactionPicker(message, handlers) : null,
  );
}
