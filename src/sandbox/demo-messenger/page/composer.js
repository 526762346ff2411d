import { api, errorText } from './api.js';
import { h } from './dom.js';

/** Typing is passed on at most this often; the bridge throttles to one call per 3 s per conversation anyway. */
const TYPING_INTERVAL_MS = 2500;

/**
 * The "client" side of the page: text, sample pictures, a location, and typing while writing. `current()` is the
 * open conversation's id (or null); `report(error)` shows a failure.
 */
export function setupComposer({
  form,
  input,
  pictureButton,
  pictureTray,
  locationButton,
  locationTray,
  current,
  report,
}) {
  let lastTypingAt = 0;

  async function send(body) {
    const id = current();
    if (!id) return false;
    const result = await api('POST', `/api/conversations/${encodeURIComponent(id)}/messages`, body);
    if (!result.ok) report(errorText(result));
    return result.ok;
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const text = input.value;
    if (text.trim() === '') return;
    input.value = '';
    lastTypingAt = 0;
    if (!(await send({ type: 'text', text })) && input.value === '') input.value = text;
  });

  input.addEventListener('input', () => {
    const id = current();
    const now = Date.now();
    if (!id || input.value.trim() === '' || now - lastTypingAt < TYPING_INTERVAL_MS) return;
    lastTypingAt = now;
    api('POST', `/api/conversations/${encodeURIComponent(id)}/typing`, {}).then((result) => {
      if (!result.ok) report(errorText(result));
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
    if (await send({ type: 'location', lat, lon })) locationTray.hidden = true;
  });

  return {
    send,
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
                if (await send({ type: 'picture', sample: sample.name })) pictureTray.hidden = true;
              },
            },
            h('img', { src: sample.url, alt: '' }),
          ),
        );
      }
    },
    setEnabled(enabled) {
      for (const control of form.querySelectorAll('input, button')) control.disabled = !enabled;
    },
  };
}
