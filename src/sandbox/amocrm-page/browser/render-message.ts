import type { InboxMessage } from '../page-types';
import { el } from './el';

export interface MessageActions {
  react(messageId: string, emoji: string): void;
  unreact(messageId: string): void;
  replyTo(message: InboxMessage): void;
}

const reactionChoices = ['👍', '❤️', '😂', '😮'];
const statusLabels = { sent: '✓ sent', delivered: '✓✓ delivered', read: '✓✓ read', error: '⚠ error' } as const;

function body(message: InboxMessage): (HTMLElement | null)[] {
  const media =
    message.media === null
      ? null
      : message.type === 'picture' || message.type === 'sticker'
        ? el(
            'div',
            { class: 'message__media' },
            el('img', { src: message.media, alt: message.text, 'data-testid': 'message-media' }),
          )
        : el(
            'a',
            { href: message.media, target: '_blank', rel: 'noreferrer', 'data-testid': 'message-media' },
            message.fileName ?? message.type,
          );
  const buttons =
    message.buttons.length === 0
      ? null
      : el(
          'div',
          { class: 'message__buttons', 'data-testid': 'message-buttons' },
          ...message.buttons
            .flat()
            .map((b) => el('span', { title: b.url ?? '' }, b.url === undefined ? b.text : `${b.text} ↗`)),
        );
  return [
    message.replyTo === null
      ? null
      : el('div', { class: 'message__quote', 'data-testid': 'message-quote' }, message.replyTo.text),
    media,
    message.text === '' ? null : el('div', { class: 'message__text', 'data-testid': 'message-text' }, message.text),
    buttons,
  ];
}

function footer(message: InboxMessage, actions: MessageActions): HTMLElement {
  const time = new Date(message.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit' });
  const status =
    message.status === null
      ? null
      : el(
          'span',
          { class: 'message__status', 'data-testid': 'message-status' },
          statusLabels[message.status],
          message.status === 'error' ? ` ${message.errorCode ?? ''}: ${message.errorText ?? ''}` : '',
        );
  const hook =
    message.hook === null || message.hook.state === 'delivered'
      ? null
      : el(
          'span',
          { class: 'message__hook', 'data-state': message.hook.state, 'data-testid': 'message-hook' },
          `hook ${message.hook.state}${message.hook.detail === null ? '' : ` (${message.hook.detail})`}`,
        );
  const reactions =
    message.reactions.length === 0
      ? null
      : el(
          'span',
          { class: 'message__reactions', 'data-testid': 'message-reactions' },
          ...message.reactions.map((r) =>
            el(
              'span',
              {
                class: 'message__reaction',
                title: r.userName,
                'data-testid': 'message-reaction',
                'data-emoji': r.emoji,
                'data-by': r.by,
              },
              r.emoji,
            ),
          ),
        );
  const mine = message.reactions.some((r) => r.by === 'manager');
  const reactButtons =
    message.direction === 'incoming'
      ? reactionChoices.map((emoji) =>
          el(
            'button',
            {
              type: 'button',
              title: `React ${emoji}`,
              'data-testid': 'react-button',
              'data-emoji': emoji,
              onclick: () => actions.react(message.id, emoji),
            },
            emoji,
          ),
        )
      : [];
  return el(
    'div',
    { class: 'message__footer' },
    el('span', {}, time),
    message.edited ? el('span', {}, 'edited') : null,
    status,
    hook,
    reactions,
    el(
      'span',
      { class: 'message__actions' },
      ...reactButtons,
      mine
        ? el(
            'button',
            {
              type: 'button',
              title: 'Remove my reaction',
              'data-testid': 'unreact-button',
              onclick: () => actions.unreact(message.id),
            },
            '✕',
          )
        : null,
      el(
        'button',
        {
          type: 'button',
          title: 'Reply to this message',
          'data-testid': 'reply-to-button',
          onclick: () => actions.replyTo(message),
        },
        '↩',
      ),
    ),
  );
}

/** One bubble: data-direction incoming|outgoing, data-status sent|delivered|read|error on outgoing ones. */
export function renderMessage(message: InboxMessage, actions: MessageActions): HTMLElement {
  return el(
    'li',
    {
      class: 'message',
      'data-testid': 'message',
      'data-message-id': message.id,
      'data-direction': message.direction,
      'data-status': message.status,
      'data-type': message.type,
    },
    el('div', { class: 'message__sender' }, message.senderName),
    ...body(message),
    footer(message, actions),
  );
}
