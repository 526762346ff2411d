import type { InboxChat } from '../page-types';
import { el } from './el';

/** "Support → Support pipeline · Ivan Petrov": where the chat's leads go and whom it is bound to. */
function crmLine(chat: InboxChat): string {
  const source = chat.source === null ? '' : (chat.source.name ?? chat.source.externalId);
  const route = [source, chat.pipeline?.name ?? ''].filter((part) => part !== '').join(' → ');
  return [route, chat.contact?.name ?? ''].filter((part) => part !== '').join(' · ');
}

/** Chats newest first: client name, last message (or the typing notice), and whether a write-first is unanswered. */
export function renderChatList(
  list: HTMLElement,
  chats: readonly InboxChat[],
  selectedId: string | null,
  onSelect: (chatId: string) => void,
): void {
  if (chats.length === 0) {
    list.replaceChildren(el('li', { class: 'thread-empty', 'data-testid': 'chat-list-empty' }, 'No chats yet.'));
    return;
  }
  list.replaceChildren(
    ...chats.map((chat) => {
      const last =
        chat.lastMessage === null
          ? ''
          : `${chat.lastMessage.direction === 'outgoing' ? 'You: ' : ''}${chat.lastMessage.text}`;
      return el(
        'li',
        {},
        el(
          'button',
          {
            type: 'button',
            class: 'chat-item',
            'data-testid': 'chat-item',
            'data-chat-id': chat.id,
            'data-unbound': String(chat.unbound),
            'aria-current': String(chat.id === selectedId),
            onclick: () => onSelect(chat.id),
          },
          el('span', { class: 'chat-item__name', 'data-testid': 'chat-item-name' }, chat.clientName),
          chat.clientTyping
            ? el('span', { class: 'chat-item__last chat-item__typing', 'data-testid': 'chat-item-typing' }, 'typing…')
            : el('span', { class: 'chat-item__last', 'data-testid': 'chat-item-last' }, last),
          chat.unbound ? el('span', { class: 'chat-item__meta' }, 'waiting for the messenger to bind this chat') : null,
          crmLine(chat) === ''
            ? null
            : el('span', { class: 'chat-item__crm', 'data-testid': 'chat-item-crm' }, crmLine(chat)),
        ),
      );
    }),
  );
}
