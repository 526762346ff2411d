import { api, errorText } from './api.js';
import { timeOf } from './dom.js';

// Loose on purpose: the server finds the exact tokens; this only tells a full paste from a half-typed one.
const KEY = /(^|[^A-Za-z0-9_-])ck_[A-Za-z0-9_-]{16,}/;
const SECRET = /(^|[^A-Za-z0-9_-])cs_[A-Za-z0-9_-]{16,}/;

const linkText = (link) => `${link.title} (${link.subdomain}, account ${link.accountId})`;

/**
 * The admin's part: the webhook URL to paste into the widget panel, and the API key and signing secret the panel
 * showed once after linking, pasted together into one box or one by one. The server checks them with the bridge
 * before saving, so a wrong key or a stale secret is named here and never shown as connected. Secrets are
 * write-only: the page only ever gets hints back.
 */
export function setupSettings({
  panel,
  form,
  credentials,
  webhookUrl,
  copyButton,
  status,
  summary,
  lastTest,
  settingsPath = () => '/api/settings',
}) {
  const fields = ['apiKey', 'signingSecret'].map((name) => form.elements.namedItem(name));
  let queue = Promise.resolve();

  function say(text, state) {
    status.textContent = text;
    status.dataset.state = state;
  }

  async function save(patch) {
    say('Checking with the bridge…', 'checking');
    // Each number is linked on its own: the credentials go to the number shown when they were pasted.
    const result = await api('PUT', settingsPath(), patch);
    if (!result.ok) return say(errorText(result), 'error');
    credentials.value = '';
    for (const field of fields) field.value = '';
    const { configured, link } = result.body;
    if (configured)
      say(`Connected${link ? ` to ${linkText(link)}` : ''}: the API key and signing secret are right.`, 'ok');
    else if (link) say(`The API key is right (${linkText(link)}). Now paste the signing secret.`, 'ok');
    else say('Saved.', 'ok');
  }
  // One check at a time, in the order asked: a paste right after a Save must not race it.
  const enqueue = (patch) => {
    queue = queue.then(() => save(patch));
    return queue;
  };

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const patch = {};
    for (const name of ['bridgeUrl', 'apiKey', 'signingSecret']) {
      const field = form.elements.namedItem(name);
      // Empty secret fields mean "keep what is set"; the bridge URL field always shows the current value.
      if (field.value.trim() !== '' || name === 'bridgeUrl') patch[name] = field.value;
    }
    if (credentials.value.trim() !== '') patch.credentials = credentials.value;
    enqueue(patch);
  });

  // A paste saves at once (no Save click); typed or dropped text once it holds both credentials and has rested for a
  // moment, so a secret half typed is not checked (and refused) at every keystroke.
  let pasted = false;
  let typing;
  credentials.addEventListener('paste', () => {
    pasted = true;
  });
  credentials.addEventListener('input', () => {
    clearTimeout(typing);
    const text = credentials.value;
    if (pasted && text.trim() !== '') {
      pasted = false;
      enqueue({ credentials: text });
    } else if (KEY.test(text) && SECRET.test(text)) {
      typing = setTimeout(() => enqueue({ credentials: credentials.value }), 800);
    }
  });

  copyButton.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(webhookUrl.textContent);
      say('Webhook URL copied.', 'ok');
    } catch {
      say('Select the URL and copy it by hand.', 'error');
    }
  });

  let rendered = false;
  let wasConfigured = false;
  return {
    render(settings, test) {
      webhookUrl.textContent = settings.webhookUrl;
      const bridgeField = form.elements.namedItem('bridgeUrl');
      if (document.activeElement !== bridgeField) bridgeField.value = settings.bridgeUrl ?? '';
      form.elements.namedItem('apiKey').placeholder = settings.apiKeyHint ? `set (${settings.apiKeyHint})` : 'not set';
      form.elements.namedItem('signingSecret').placeholder = settings.signingSecretHint
        ? `set (${settings.signingSecretHint})`
        : 'not set';
      summary.textContent = settings.configured
        ? `— connected${settings.link ? ` to ${settings.link.title}` : ''}`
        : settings.problem
          ? `— not connected: ${settings.problem.message}`
          : '— not connected yet: paste the API key and signing secret';
      summary.dataset.configured = String(settings.configured);
      // An earlier "Connected" would contradict a problem found since (a refused key, a check at start).
      if (settings.problem && status.dataset.state === 'ok') say('', '');
      // Open (as the page starts) until configured; once it is, the admin decides, unless it stops being configured.
      if (!rendered && settings.configured) panel.open = false;
      if (!settings.configured && (!rendered || wasConfigured)) panel.open = true;
      // Nothing else on the page works before the credentials: the paste goes where the cursor already is.
      if (!settings.configured && !rendered) credentials.focus();
      rendered = true;
      wasConfigured = settings.configured;
      lastTest.textContent = test ? `Test event ${test.id} received at ${timeOf(test.receivedAt)}.` : '';
    },
  };
}
