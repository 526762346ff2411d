/**
 * The panel's styles, injected with the panel and removed with it (the archive carries no style.css). Every rule is
 * scoped under `.channel-link-widget`; colours come from amoCRM's palette variables where they exist (web_sdk/
 * dark_theme.md), with the widget's own prefixed variables for the rest and a dark override keyed on
 * `html[data-color-scheme="dark"]`.
 */
export const panelCss = `.channel-link-widget {
  --channel-link-text: var(--palette-text-primary, #313942);
  --channel-link-muted: var(--palette-text-secondary-dark, #5f6b78);
  --channel-link-border: var(--palette-border-default, #d4d5d8);
  --channel-link-surface: var(--palette-background-primary, #ffffff);
  --channel-link-surface-alt: #f4f6f8;
  --channel-link-accent: #1469a8;
  --channel-link-on-accent: #ffffff;
  --channel-link-success: #23763a;
  --channel-link-danger: #b3261e;
  --channel-link-warning: #7a5300;
  margin: 16px 0;
  color: var(--channel-link-text);
  font-size: 14px;
  line-height: 1.45;
  text-align: left;
}
html[data-color-scheme="dark"] .channel-link-widget {
  --channel-link-text: var(--palette-text-primary, #e3e7eb);
  --channel-link-muted: var(--palette-text-secondary-dark, #a4afba);
  --channel-link-border: var(--palette-border-default, #3c4550);
  --channel-link-surface: var(--palette-background-primary, #1d232a);
  --channel-link-surface-alt: #262e37;
  --channel-link-accent: #6cb8ee;
  --channel-link-on-accent: #0d1a24;
  --channel-link-success: #7fd18f;
  --channel-link-danger: #ff9189;
  --channel-link-warning: #f2c46b;
  color-scheme: dark;
}
.channel-link-widget .channel-link-widget__section {
  margin: 0 0 16px;
  padding: 12px 14px;
  border: 1px solid var(--channel-link-border);
  border-radius: 4px;
  background: var(--channel-link-surface);
}
.channel-link-widget .channel-link-widget__heading {
  margin: 0 0 8px;
  font-size: 15px;
  font-weight: 600;
}
.channel-link-widget .channel-link-widget__muted {
  margin: 4px 0 0;
  color: var(--channel-link-muted);
  font-size: 13px;
}
.channel-link-widget .channel-link-widget__facts {
  display: grid;
  grid-template-columns: max-content 1fr;
  gap: 4px 12px;
  margin: 0;
}
.channel-link-widget .channel-link-widget__facts dd {
  margin: 0;
  font-family: monospace;
  word-break: break-all;
}
.channel-link-widget .channel-link-widget__check,
.channel-link-widget .channel-link-widget__actions {
  display: flex;
  gap: 8px;
  align-items: center;
}
.channel-link-widget .channel-link-widget__check {
  align-items: flex-start;
}
.channel-link-widget .channel-link-widget__actions {
  flex-wrap: wrap;
  margin-top: 8px;
}
.channel-link-widget .channel-link-widget__field {
  margin: 0 0 12px;
}
.channel-link-widget .channel-link-widget__label {
  display: block;
  margin-bottom: 4px;
  font-weight: 600;
}
.channel-link-widget .channel-link-widget__input {
  box-sizing: border-box;
  flex: 1;
  width: 100%;
  padding: 6px 8px;
  border: 1px solid var(--channel-link-border);
  border-radius: 3px;
  background: var(--channel-link-surface);
  color: var(--channel-link-text);
  font: inherit;
}
.channel-link-widget .channel-link-widget__input[aria-invalid="true"] {
  border-color: var(--channel-link-danger);
}
.channel-link-widget .channel-link-widget__input[readonly] {
  background: var(--channel-link-surface-alt);
  font-family: monospace;
}
.channel-link-widget .channel-link-widget__button {
  padding: 6px 14px;
  border: 1px solid var(--channel-link-border);
  border-radius: 3px;
  background: var(--channel-link-surface-alt);
  color: var(--channel-link-text);
  font: inherit;
  cursor: pointer;
}
.channel-link-widget .channel-link-widget__button--primary {
  border-color: var(--channel-link-accent);
  background: var(--channel-link-accent);
  color: var(--channel-link-on-accent);
}
.channel-link-widget .channel-link-widget__button--danger {
  border-color: var(--channel-link-danger);
  color: var(--channel-link-danger);
}
.channel-link-widget .channel-link-widget__button:disabled {
  opacity: 0.6;
  cursor: default;
}
.channel-link-widget :focus-visible {
  outline: 2px solid var(--channel-link-accent);
  outline-offset: 2px;
}
.channel-link-widget .channel-link-widget__badge {
  display: inline-block;
  padding: 2px 8px;
  border: 1px solid currentColor;
  border-radius: 10px;
  color: var(--channel-link-warning);
  font-size: 12px;
  font-weight: 600;
}
.channel-link-widget .channel-link-widget__badge--linked {
  color: var(--channel-link-success);
}
.channel-link-widget .channel-link-widget__badge--error,
.channel-link-widget .channel-link-widget__error {
  color: var(--channel-link-danger);
}
.channel-link-widget .channel-link-widget__alert,
.channel-link-widget .channel-link-widget__notice,
.channel-link-widget .channel-link-widget__confirm {
  margin: 8px 0;
  padding: 8px 10px;
  border-left: 3px solid var(--channel-link-danger);
  background: var(--channel-link-surface-alt);
}
.channel-link-widget .channel-link-widget__notice {
  border-left-color: var(--channel-link-accent);
}
.channel-link-widget .channel-link-widget__notice--warning,
.channel-link-widget .channel-link-widget__confirm {
  border-left-color: var(--channel-link-warning);
}
`;
