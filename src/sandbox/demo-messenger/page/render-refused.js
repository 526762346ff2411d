import { h, timeOf } from './dom.js';

/**
 * The deliveries the webhook refused since the last one it took, with why: a stale signing secret shows here at
 * once instead of only in the backend's retries. Once a delivery passes again the list clears itself.
 */
export function renderRefused(section, refused, events) {
  const lastTaken = events.at(-1)?.receivedAt ?? Number.NEGATIVE_INFINITY;
  const current = refused.filter((r) => r.at > lastTaken);
  section.hidden = current.length === 0;
  const rows = current
    .slice()
    .reverse()
    .map((r) =>
      h(
        'li',
        { dataset: { testid: 'refused-delivery', code: r.code } },
        h('time', {}, timeOf(r.at)),
        ` HTTP ${r.status} ${r.code}${r.eventId ? ` (event ${r.eventId})` : ''}: `,
        r.reason,
      ),
    );
  section.querySelector('ul').replaceChildren(...rows);
}
