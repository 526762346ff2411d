import { api, errorText } from './api.js';
import { timeOf } from './dom.js';

/**
 * The admin's part: the webhook URL to paste into the widget panel, and the API key and signing secret the panel
 * showed once after linking. Secrets are write-only here: the page only ever gets hints back.
 */
export function setupSettings({ panel, form, webhookUrl, copyButton, status, summary, lastTest }) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const patch = {};
    for (const name of ['bridgeUrl', 'apiKey', 'signingSecret']) {
      const field = form.elements.namedItem(name);
      // Empty secret fields mean "keep what is set"; the bridge URL field always shows the current value.
      if (field.value.trim() !== '' || name === 'bridgeUrl') patch[name] = field.value;
    }
    const result = await api('PUT', '/api/settings', patch);
    status.textContent = result.ok ? 'Saved.' : errorText(result);
    if (result.ok) {
      form.elements.namedItem('apiKey').value = '';
      form.elements.namedItem('signingSecret').value = '';
    }
  });

  copyButton.addEventListener('click', async () => {
    try {
      await navigator.clipboard.writeText(webhookUrl.textContent);
      status.textContent = 'Webhook URL copied.';
    } catch {
      status.textContent = 'Select the URL and copy it by hand.';
    }
  });

  let opened = false;
  return {
    render(settings, test) {
      webhookUrl.textContent = settings.webhookUrl;
      const bridgeField = form.elements.namedItem('bridgeUrl');
      if (document.activeElement !== bridgeField) bridgeField.value = settings.bridgeUrl ?? '';
      form.elements.namedItem('apiKey').placeholder = settings.apiKeyHint ? `set (${settings.apiKeyHint})` : 'not set';
      form.elements.namedItem('signingSecret').placeholder = settings.signingSecretHint
        ? `set (${settings.signingSecretHint})`
        : 'not set';
      summary.textContent = settings.configured ? '— connected' : '— paste the API key and signing secret';
      summary.dataset.configured = String(settings.configured);
      // Open by default until configured, then leave it to the admin.
      if (!opened && !settings.configured) panel.open = true;
      opened = true;
      lastTest.textContent = test ? `Test event ${test.id} received at ${timeOf(test.receivedAt)}.` : '';
    },
  };
}
