/**
 * Styles of the emulated page and inbox. The `--palette-*` names are amoCRM's system variables
 * (web_sdk/dark_theme.md), so a widget that uses them sees them change with `html[data-color-scheme="dark"]`.
 */
export const pageCss = `
:root {
  --palette-text-primary: #313942;
  --palette-text-secondary-dark: #5f6b78;
  --palette-border-default: #d4d5d8;
  --palette-background-primary: #ffffff;
  --sandbox-page: #eef1f4;
  --sandbox-bar: #0f2231;
  --sandbox-bar-text: #f2f5f7;
  --sandbox-accent: #1469a8;
  --sandbox-on-accent: #ffffff;
  --sandbox-danger: #b3261e;
  --sandbox-incoming: #ffffff;
  --sandbox-outgoing: #dcecfb;
  color-scheme: light;
}
:root[data-color-scheme="dark"] {
  --palette-text-primary: #e3e7eb;
  --palette-text-secondary-dark: #a4afba;
  --palette-border-default: #3c4550;
  --palette-background-primary: #1d232a;
  --sandbox-page: #12171c;
  --sandbox-bar: #0a1118;
  --sandbox-accent: #6cb8ee;
  --sandbox-on-accent: #0d1a24;
  --sandbox-danger: #ff9189;
  --sandbox-incoming: #1d232a;
  --sandbox-outgoing: #1b3247;
  color-scheme: dark;
}
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, sans-serif; color: var(--palette-text-primary); background: var(--sandbox-page); }
a { color: var(--sandbox-accent); }
button, input, select, textarea { font: inherit; color: inherit; }
.sandbox-topbar { display: flex; flex-wrap: wrap; align-items: center; gap: 16px; padding: 10px 20px;
  background: var(--sandbox-bar); color: var(--sandbox-bar-text); }
/* the sandbox's own bar, not amoCRM's page: it stays above the settings modal's overlay, so the demo messenger's
   link is one click away while the credentials are on screen */
.sandbox-topbar { position: relative; z-index: 101; }
.sandbox-topbar a { color: var(--sandbox-bar-text); }
.sandbox-topbar a[aria-current="page"] { font-weight: 600; text-decoration: none; }
.sandbox-topbar nav { display: flex; gap: 12px; }
.sandbox-topbar select { color: #111; background: #fff; }
.sandbox-spacer { flex: 1; }
.sandbox-main { display: grid; grid-template-columns: minmax(320px, 1fr) minmax(280px, 420px); gap: 20px; padding: 20px; }
.sandbox-card { background: var(--palette-background-primary); border: 1px solid var(--palette-border-default);
  border-radius: 6px; padding: 16px; }
.sandbox-card h1, .sandbox-card h2 { margin: 0 0 12px; font-size: 18px; }
.sandbox-alert { margin: 0 0 12px; padding: 8px 12px; border: 1px solid var(--sandbox-danger); border-radius: 4px;
  color: var(--sandbox-danger); }
.sandbox-alert p { margin: 0; }
.widget-tile { display: grid; grid-template-columns: 64px 1fr; gap: 4px 12px; width: 100%; max-width: 440px;
  padding: 12px; text-align: left; cursor: pointer; background: var(--palette-background-primary);
  border: 1px solid var(--palette-border-default); border-radius: 6px; }
.widget-tile:disabled { cursor: progress; opacity: .6; }
.widget-tile img { grid-row: span 3; width: 64px; height: 64px; object-fit: contain; }
.widget-tile__name { font-weight: 600; }
.widget-tile__status[data-status="installed"] { color: #23763a; }
.sandbox-facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; margin: 16px 0 0; }
.sandbox-facts dt { color: var(--palette-text-secondary-dark); }
.sandbox-facts dd { margin: 0; font-family: ui-monospace, monospace; word-break: break-all; }
#callback-log { margin: 0; padding: 0 0 0 4px; list-style: none; max-height: 70vh; overflow: auto;
  font: 12px/1.5 ui-monospace, monospace; }
.log-entry__time { color: var(--palette-text-secondary-dark); }
.log-entry--failed { color: var(--sandbox-danger); }
.modal { position: fixed; inset: 0; z-index: 100; }
.modal-overlay { position: absolute; inset: 0; background: rgba(0, 0, 0, .45); }
.modal-scroller { position: absolute; inset: 0; overflow: auto; pointer-events: none; }
.modal-body { position: relative; pointer-events: auto; width: min(760px, calc(100% - 32px)); margin: 72px auto 40px;
  padding: 24px; background: var(--palette-background-primary); border-radius: 8px; }
.modal-body__close { position: absolute; top: 8px; right: 12px; border: 0; background: none; font-size: 24px;
  cursor: pointer; }
.widget-settings__header { display: flex; gap: 16px; align-items: center; }
.widget-settings__logo { width: 120px; height: 82px; object-fit: contain; }
.widget-settings__name { margin: 0; font-size: 20px; }
.widget-settings__short, .widget-settings__meta { margin: 2px 0; color: var(--palette-text-secondary-dark); }
.widget-settings__desc-space { margin: 16px 0; }
.widget_settings_block__item_field { margin: 0 0 12px; }
.widget_settings_block__title_field { display: block; margin: 0 0 4px; }
.widget_settings_block__controls__text-input { width: 100%; padding: 6px 8px; border: 1px solid var(--palette-border-default);
  border-radius: 4px; background: var(--palette-background-primary); }
.widget_settings_block__controls { display: flex; flex-wrap: wrap; align-items: center; gap: 12px; margin-top: 16px;
  padding-top: 16px; border-top: 1px solid var(--palette-border-default); }
.widget-settings__error { flex-basis: 100%; color: var(--sandbox-danger); }
.widget-settings__error:empty, .widget-settings__notice:empty { display: none; }
.widget-settings__notice { flex-basis: 100%; }
.button-input { padding: 8px 18px; border: 1px solid var(--sandbox-accent); border-radius: 4px; cursor: pointer;
  background: var(--sandbox-accent); color: var(--sandbox-on-accent); }
.button-input.button-input-disabled { opacity: .55; }
.button-input.button-cancel { background: none; color: var(--sandbox-danger); border-color: var(--sandbox-danger); }
`;
