import { h } from './dom.js';

function preview(message) {
  if (!message) return 'No messages yet';
  const { content } = message;
  const text = content.type === 'text' ? content.text : `[${content.type}]`;
  return `${message.direction === 'client' ? 'You: ' : ''}${text}`;
}

/**
 * The sidebar: one row per conversation (one per client phone and messenger number), newest activity first, with
 * unread counts and, when the messenger runs several numbers, the number each conversation runs on.
 */
export function renderConversations(list, conversations, selectedId, onSelect, numberLabels = new Map()) {
  const rows = conversations.map((conversation) => {
    const unread = conversation.messages.filter((m) => m.direction === 'manager' && m.status !== 'read').length;
    const selected = conversation.id === selectedId;
    return h(
      'li',
      {},
      h(
        'button',
        {
          type: 'button',
          class: selected ? 'conversation selected' : 'conversation',
          'aria-current': selected ? 'true' : undefined,
          dataset: {
            testid: 'conversation-item',
            conversationId: conversation.id,
            phone: conversation.phone ?? '',
            numberId: conversation.numberId ?? '',
          },
          onclick: () => onSelect(conversation.id),
        },
        h('span', { class: 'name' }, conversation.client.name),
        h('span', { class: 'phone' }, conversation.phone ?? ''),
        numberLabels.size > 1
          ? h(
              'span',
              { class: 'badge number', dataset: { testid: 'conversation-number' } },
              numberLabels.get(conversation.numberId) ?? conversation.numberId,
            )
          : null,
        conversation.startedBy === 'manager' ? h('span', { class: 'badge' }, 'manager wrote first') : null,
        h('span', { class: 'preview' }, preview(conversation.messages.at(-1))),
        unread > 0
          ? h(
              'span',
              { class: 'unread', 'aria-label': `${unread} unread`, dataset: { testid: 'conversation-unread' } },
              String(unread),
            )
          : null,
      ),
    );
  });
  list.replaceChildren(...rows);
}
