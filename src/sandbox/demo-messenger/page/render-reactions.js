import { h } from './dom.js';

export const REACTION_CHOICES = ['👍', '❤️', '😂', '😮', '🙏'];

/** The reactions under a bubble: the client's own and each manager's. */
export function renderReactions(message) {
  const chips = [];
  if (message.reactions.client) chips.push({ emoji: message.reactions.client, by: 'client' });
  for (const emoji of Object.values(message.reactions.managers)) chips.push({ emoji, by: 'manager' });
  if (chips.length === 0) return null;
  return h(
    'div',
    { class: 'reactions', dataset: { testid: 'message-reactions' } },
    chips.map((chip) =>
      h(
        'span',
        {
          class: `reaction reaction--${chip.by}`,
          title: chip.by === 'client' ? 'Your reaction' : 'Manager reaction',
          dataset: { testid: 'reaction', emoji: chip.emoji, by: chip.by },
        },
        chip.emoji,
      ),
    ),
  );
}

/** The "react" toggle and its emoji choices; picking the current reaction again removes it. */
export function renderReactionPicker(message, handlers) {
  const picker = h(
    'div',
    {
      class: 'picker',
      role: 'group',
      'aria-label': 'Pick a reaction',
      hidden: true,
      dataset: { testid: 'reaction-picker' },
    },
    REACTION_CHOICES.map((emoji) => {
      const chosen = message.reactions.client === emoji;
      return h(
        'button',
        {
          type: 'button',
          class: chosen ? 'chosen' : undefined,
          'aria-pressed': String(chosen),
          'aria-label': chosen ? `Remove reaction ${emoji}` : `React with ${emoji}`,
          dataset: { testid: 'reaction-option', emoji },
          onclick: () => handlers.onReact(message.id, chosen ? null : emoji),
        },
        emoji,
      );
    }),
  );
  const toggle = h(
    'button',
    {
      type: 'button',
      class: 'react-toggle',
      'aria-label': 'React to this message',
      'aria-expanded': 'false',
      dataset: { testid: 'react-button' },
      onclick: () => {
        picker.hidden = !picker.hidden;
        toggle.setAttribute('aria-expanded', String(!picker.hidden));
      },
    },
    '☺',
  );
  return [toggle, picker];
}

/** One bubble. `data-direction` is `client` (the user of this messenger) or `manager` (the business answering). */
