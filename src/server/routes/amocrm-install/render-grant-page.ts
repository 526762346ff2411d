import { escapeHtml, jsonForScript } from '../../../http/html-text';
import { type GrantOutcome, grantOutcomeOk } from './grant-outcome';
import type { GrantPageLang, GrantPageTexts } from './grant-page-texts';

export interface GrantPage {
  outcome: GrantOutcome;
  lang: GrantPageLang;
  texts: GrantPageTexts;
  /** The access popup was opened by the widget (a verified state): post the result to it and close. */
  postMessage: boolean;
  /** For the inline script's CSP. */
  nonce: string;
}

/** The message the widget waits for; it carries no secret, so any opener may read it ('*' as the target). */
export const GRANT_MESSAGE_TYPE = 'amocrm-channel:grant';

/**
 * The small page a browser lands on after amoCRM's access popup. In post_message mode it tells the opener (the
 * widget in the account's page, whose origin the backend cannot know in the sandbox) and closes itself; the page
 * stays readable if the browser refuses to close it.
 */
export function renderGrantPage(page: GrantPage): string {
  const { texts, outcome } = page;
  const message = { type: GRANT_MESSAGE_TYPE, ok: grantOutcomeOk(outcome), code: outcome };
  const script = page.postMessage
    ? `<script nonce="${escapeHtml(page.nonce)}">
if (window.opener) { window.opener.postMessage(${jsonForScript(message)}, '*'); setTimeout(function () { window.close(); }, 300); }
</script>`
    : '';
  return `<!doctype html>
<html lang="${page.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>${escapeHtml(texts.title)}</title>
<style>body{max-width:520px;margin:48px auto;padding:0 16px;font:15px/1.5 system-ui,sans-serif}</style>
</head>
<body>
<h1>${escapeHtml(texts.title)}</h1>
<p data-testid="grant-outcome" data-outcome="${outcome}">${escapeHtml(texts[outcome])}</p>
<p>${escapeHtml(texts.close)}</p>
${script}
</body>
</html>`;
}
