import { api, errorText } from './api.js';
import { h } from './dom.js';

/** Typing is passed on at most this often; the bridge throttles to one call per 3 s per conversation anyway. */
const TYPING_INTERVAL_MS = 2500;

/**
 * The "client" side of the page: text, sample pictures, a location, and typing while writing. `current()` is the
 * open conversation's id (or null); `ensureConversation()` opens one for the client named on the left when none is
 * open, so the first message can be written right away. Failures of a send show next to the composer.
 */
export function setupComposer({
  form,
  input,
  sendButton,
  errorLine,
  pictureButton,
  pictureTray,
  locationButton,
  locationTray,
  current,
  ensureConversation,
}) {
  let lastTypingAt = 0;
  // A text on its way: a second Send (a double click) must not post it again.
  let sendingText = false;

  const refresh = () => {
    sendButton.disabled = sendingText || input.value.trim() === '';
  };

  function showError(text) {
    errorLine.textContent = text;
    errorLine.hidden = text === '';
  }

  /** Posts one client message; `stored` says the messenger kept it (then it is in the thread, with Retry if failed). */
  async function send(body) {
    const id = current() ?? (await ensureConversation());
    if (!id) return { ok: false, stored: false };
    const result = await api('POST', `/api/conversations/${encodeURIComponent(id)}/messages`, body);
    if (result.ok) {
      showError('');
      return { ok: true, stored: true };
    }
    const stored = Boolean(result.body?.message);
    showError(stored ? `Not sent: ${errorText(result)} It is kept in the chat: press Retry there.` : errorText(result));
    return { ok: false, stored };
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = input.value;
    if (text.trim() === '' || sendingText) return;
    sendingText = true;
    input.value = '';
    lastTypingAt = 0;
    refresh();
    const result = await send({ type: 'text', text });
    sendingText = false;
    // A message the messenger kept stays in the chat (Retry posts it again under the same id); putting its text
    // back here too is what made a second Send deliver it twice. Only text that was never stored comes back.
    if (!result.stored && input.value === '') input.value = text;
    refresh();
  });

  input.addEventListener('input', () => {
    refresh();
    const id = current();
    const now = Date.now();
    if (!id || input.value.trim() === '' || now - lastTypingAt < TYPING_INTERVAL_MS) return;
    lastTypingAt = now;
    api('POST', `/api/conversations/${encodeURIComponent(id)}/typing`, {}).then((result) => {
      if (!result.ok) showError(errorText(result));
    });
  });

  const toggle = (button, tray, other, otherButton) => {
    tray.hidden = !tray.hidden;
    button.setAttribute('aria-expanded', String(!tray.hidden));
    other.hidden = true;
    otherButton.setAttribute('aria-expanded', 'false');
  };
  pictureButton.addEventListener('click', () => toggle(pictureButton, pictureTray, locationTray, locationButton));
  locationButton.addEventListener('click', () => toggle(locationButton, locationTray, pictureTray, pictureButton));

  locationTray.querySelector('[data-testid="location-send"]').addEventListener('click', async () => {
    const lat = Number(locationTray.querySelector('[name="lat"]').value);
    const lon = Number(locationTray.querySelector('[name="lon"]').value);
    if ((await send({ type: 'location', lat, lon })).ok) locationTray.hidden = true;
  });

  refresh();
  return {
    send,
    showError,
    /** Fills the picture tray with the messenger's sample images (once; they do not change). */
    setSamples(samples) {
      if (pictureTray.querySelector('.sample')) return;
      for (const sample of samples) {
        pictureTray.append(
          h(
            'button',
            {
              type: 'button',
              class: 'sample',
              'aria-label': `Send picture ${sample.name}`,
              dataset: { testid: 'sample-picture', sample: sample.name },
              onclick: async () => {
                if ((await send({ type: 'picture', sample: sample.name })).ok) pictureTray.hidden = true;
              },
            },
            h('img', { src: sample.url, alt: '' }),
          ),
        );
      }
    },
  };
}
