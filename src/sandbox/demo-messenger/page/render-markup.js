import { h, safeUrl } from './dom.js';

/** Inline buttons and a List Message; a reply button or a row sends the client's answer through `handlers.onReply`. */
export function renderMarkup(markup, handlers) {
  const parts = [];
  if (markup.buttons) {
    const rows = markup.buttons.map((row) =>
      h(
        'div',
        { class: 'button-row' },
        row.map((button) =>
          safeUrl(button.url)
            ? h(
                'a',
                {
                  class: 'markup-button',
                  href: safeUrl(button.url),
                  target: '_blank',
                  rel: 'noopener',
                  dataset: { testid: 'markup-button' },
                },
                button.text,
              )
            : h(
                'button',
                {
                  type: 'button',
                  class: 'markup-button',
                  dataset: { testid: 'markup-button' },
                  onclick: () => handlers.onReply(button.text),
                },
                button.text,
              ),
        ),
      ),
    );
    parts.push(h('div', { class: 'markup', dataset: { testid: 'markup-buttons' } }, rows));
  }
  if (markup.list) {
    const { list } = markup;
    const rows = list.sections.flatMap((section) => [
      section.title ? h('p', { class: 'list-title' }, section.title) : null,
      section.rows.map((row) =>
        h(
          'button',
          {
            type: 'button',
            class: 'list-row',
            dataset: { testid: 'list-row', callbackData: row.callback_data },
            onclick: () => handlers.onReply(row.title, row.callback_data),
          },
          h('strong', {}, row.title),
          row.description ? h('span', { class: 'row-description' }, row.description) : null,
        ),
      ),
    ]);
    parts.push(
      h(
        'div',
        { class: 'list-message', dataset: { testid: 'list-message' } },
        list.header ? h('p', { class: 'list-header' }, list.header) : null,
        h('p', {}, list.body),
        rows,
        list.footer ? h('p', { class: 'list-footer' }, list.footer) : null,
      ),
    );
  }
  return parts;
}
