import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateLinkForm } from '../../../widget/models/validate-link-form';
import { repoRoot } from '../harness/built-widget';

const locales = ['en', 'ru', 'es', 'pt'] as const;
type Locale = (typeof locales)[number];
const langs = Object.fromEntries(
  locales.map((locale) => [locale, JSON.parse(readFileSync(join(repoRoot, 'i18n', `${locale}.json`), 'utf8'))]),
) as Record<Locale, Record<string, Record<string, string>>>;

const text = (locale: Locale, key: string) => {
  const [section = '', name = ''] = key.split('.');
  return langs[locale][section]?.[name] ?? '';
};

/** How each locale says "an address that starts with https://", the claim the sandbox's own http URL disproves. */
const startsWithHttps: Record<Locale, RegExp> = {
  en: /start(s|ing)? with https/i,
  ru: /начина\p{L}* с https/iu,
  es: /(empiece|empieza|empezar) por https/i,
  pt: /(comece|começa|começar) com https/iu,
};
/** How each locale names the sandbox, where the backend takes plain http on 127.0.0.1. */
const sandbox: Record<Locale, RegExp> = { en: /sandbox/i, ru: /песочниц/iu, es: /sandbox/i, pt: /sandbox/i };
/** How each locale says "reopen these settings", which the sandbox and amoCRM do themselves after Install. */
const reopen: Record<Locale, RegExp> = {
  en: /reopen|open (these|the) settings again/i,
  ru: /снова откройте|откройте .*снова|переоткройте/iu,
  es: /vuelve a abrir|abre de nuevo/i,
  pt: /reabra|abra novamente/i,
};

describe('webhook URL texts hold in the sandbox (plain http) and in production (https)', () => {
  it('the form takes the sandbox http address and a public https one alike', () => {
    expect(validateLinkForm({ title: 'Chat', webhookUrl: 'http://127.0.0.1:8090/hooks/amo' })).toEqual({});
    expect(validateLinkForm({ title: 'Chat', webhookUrl: 'https://messenger.example.com/hooks/crm' })).toEqual({});
    expect(validateLinkForm({ title: 'Chat', webhookUrl: 'messenger.example.com/hooks/crm' })).toEqual({
      webhook_url: { key: 'form.error_webhook_invalid' },
    });
  });

  it.each(locales)('%s: the invalid-address hint asks for a full address without demanding https', (locale) => {
    const hint = text(locale, 'form.error_webhook_invalid');
    expect(hint).not.toMatch(startsWithHttps[locale]);
    expect(hint).toContain('https://messenger.example.com/');
  });

  it.each(locales)('%s: the backend refusal names https as a rule outside the sandbox only', (locale) => {
    const refusal = text(locale, 'errors.webhook_url_not_allowed');
    expect(refusal).toMatch(startsWithHttps[locale]);
    expect(refusal).toMatch(sandbox[locale]);
  });
});

describe('install texts do not send the admin to reopen the settings the platform reopens itself', () => {
  it.each(locales)('%s', (locale) => {
    for (const key of ['status.install_first', 'errors.account_not_installed', 'widget.description']) {
      expect(text(locale, key), `${locale} ${key}`).not.toBe('');
      expect(text(locale, key), `${locale} ${key}`).not.toMatch(reopen[locale]);
    }
  });
});

describe('access texts name the button the panel shows, and a paused channel is never called linked', () => {
  it.each(locales)('%s', (locale) => {
    const grant = text(locale, 'access.grant');
    expect(grant).not.toBe('');
    for (const key of [
      'access.missing',
      'access.needs_reauthorization',
      'access.popup_blocked',
      'errors.account_not_installed',
    ]) {
      expect(text(locale, key), `${locale} ${key}`).toContain(grant);
    }
    const linked = text(locale, 'status.linked');
    for (const key of ['status.paused', 'status.paused_hint', 'access.removed']) {
      expect(text(locale, key), `${locale} ${key}`).not.toContain(linked);
    }
    expect(text(locale, 'errors.admin_required')).toBe(text(locale, 'access.admin_only'));
  });
});
