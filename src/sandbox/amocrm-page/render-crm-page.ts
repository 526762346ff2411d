import { escapeHtml, jsonForScript } from '../../http/html-text';
import { pageCss } from './page-css';
import type { CrmLang, CrmPageBootstrap } from './page-types';

const langNames: Readonly<Record<CrmLang, string>> = { ru: 'Русский', en: 'English', es: 'Español', pt: 'Português' };

/**
 * The emulated amoCRM page: RequireJS loads jQuery 2 (as `jquery`) and the widget's script.js; the page script
 * (crm-page.js) provides APP/AMOCRM, the widget object, the settings modal and the callback log.
 */
export function renderCrmPage(boot: CrmPageBootstrap): string {
  const e = escapeHtml;
  const { widget, account, user } = boot;
  const options = boot.langs
    .map((lang) => `<option value="${lang}"${lang === boot.lang ? ' selected' : ''}>${e(langNames[lang])}</option>`)
    .join('');
  const people = boot.users
    .map(
      (other) =>
        `<option value="${other.id}"${other.id === user.id ? ' selected' : ''}>${e(other.name)} (${other.is_admin ? 'admin' : 'manager'})</option>`,
    )
    .join('');
  const theme = boot.theme === 'dark' ? ' data-color-scheme="dark"' : '';
  const links = boot.links
    .map(
      (link) =>
        `<a href="${e(link.url)}" target="_blank" rel="noopener" data-testid="page-link">${e(link.label)} ↗</a>`,
    )
    .join('');
  return `<!doctype html>
<html lang="${boot.lang}"${theme}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<title>amoCRM sandbox · ${e(account.subdomain)}</title>
<style>${pageCss}</style>
<script src="${e(boot.vendor.requirejs)}"></script>
<script type="application/json" id="sandbox-bootstrap">${jsonForScript(boot)}</script>
<script defer src="/_sandbox/assets/crm-page.js"></script>
</head>
<body>
<header class="sandbox-topbar">
  <strong>amoCRM sandbox</strong>
  <span>${e(account.subdomain)}.${e(account.domain)}</span>
  <nav><a href="/" aria-current="page">Settings</a><a href="/inbox" data-testid="inbox-link">Inbox</a>${links}</nav>
  <span class="sandbox-spacer"></span>
  <label>User <select id="user-select" data-testid="user-select">${people}</select></label>
  <label>Language <select id="lang-select" data-testid="lang-select">${options}</select></label>
  <label><input type="checkbox" id="theme-toggle" data-testid="theme-toggle"> Dark theme</label>
</header>
<main class="sandbox-main">
  <section class="sandbox-card">
    <h1>amoMarket</h1>
    <div id="page-error" class="sandbox-alert" role="alert" data-testid="page-error" hidden></div>
    <button type="button" id="widget-tile" class="widget-tile" data-testid="widget-tile" disabled>
      <img src="${e(widget.path)}/images/logo_small.png" alt="">
      <span class="widget-tile__name">${e(widget.name)}</span>
      <span>${e(widget.shortDescription)}</span>
      <span id="widget-status" class="widget-tile__status" data-testid="widget-status"></span>
    </button>
    <dl class="sandbox-facts">
      <dt>Account</dt><dd>${account.id} · ${e(account.name)}</dd>
      <dt>amojo_id</dt><dd data-testid="account-amojo-id">${e(account.amojo_id)}</dd>
      <dt>User</dt><dd data-testid="current-user" data-admin="${user.is_admin}">${user.id} · ${e(user.name)} · ${user.is_admin ? 'admin' : 'manager'}</dd>
      <dt>Widget</dt><dd>${e(widget.code)} v${e(widget.version)}</dd>
      <dt>Backend</dt><dd>${e(boot.backendUrl)}</dd>
    </dl>
  </section>
  <section class="sandbox-card" aria-labelledby="lead-sources-heading">
    <h2 id="lead-sources-heading">Pipeline settings: lead sources</h2>
    <p>Each pipeline's sources, as amoCRM shows them. Adding the widget as a source calls its onAddAsSource; a
      source opens the widget's settings with that source's context.</p>
    <div id="lead-sources" data-testid="lead-sources"></div>
    <button type="button" id="lead-sources-refresh" data-testid="lead-sources-refresh">Refresh</button>
  </section>
  <aside class="sandbox-card">
    <h2>Callbacks</h2>
    <ol id="callback-log" data-testid="callback-log"></ol>
  </aside>
</main>
</body>
</html>
`;
}
