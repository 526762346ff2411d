import { type CrmLang, crmLangs } from '../page-types';

export type Theme = 'light' | 'dark';

/** Dark theme as web_sdk/dark_theme.md describes it: an attribute on <html>, switched live. */
export function applyTheme(theme: Theme): void {
  if (theme === 'dark') document.documentElement.setAttribute('data-color-scheme', 'dark');
  else document.documentElement.removeAttribute('data-color-scheme');
  const url = new URL(location.href);
  url.searchParams.set('theme', theme);
  history.replaceState(null, '', url);
}

/** Wires the language picker (a reload, as amoCRM reloads on a language change) and the theme switch. */
export function wireToolbar(lang: CrmLang, langSelect: HTMLSelectElement, themeToggle: HTMLInputElement): void {
  langSelect.value = lang;
  langSelect.addEventListener('change', () => {
    const next = langSelect.value as CrmLang;
    if (!crmLangs.includes(next)) return;
    const url = new URL(location.href);
    url.searchParams.set('lang', next);
    location.assign(url);
  });
  themeToggle.checked = document.documentElement.getAttribute('data-color-scheme') === 'dark';
  themeToggle.addEventListener('change', () => applyTheme(themeToggle.checked ? 'dark' : 'light'));
}
