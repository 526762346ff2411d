import { readFileSync } from 'node:fs';
import { z } from 'zod/mini';
import { type GrantOutcome, grantOutcomes } from './grant-outcome';

export const grantPageLangs = ['en', 'ru', 'es', 'pt'] as const;
export type GrantPageLang = (typeof grantPageLangs)[number];

const textsSchema = z.object({
  title: z.string(),
  close: z.string(),
  ...Object.fromEntries(grantOutcomes.map((o) => [o, z.string()])),
});

export type GrantPageTexts = { title: string; close: string } & Record<GrantOutcome, string>;

/**
 * The result page's sentences, from the widget's own locale files (`i18n/<lang>.json`, section `grant_page`), so
 * every text an admin reads lives in one place per language. Read once at start-up; a missing key stops the start.
 */
export function loadGrantPageTexts(i18nDir: URL): Record<GrantPageLang, GrantPageTexts> {
  const entries = grantPageLangs.map((lang) => {
    const file = JSON.parse(readFileSync(new URL(`${lang}.json`, i18nDir), 'utf8')) as { grant_page?: unknown };
    const parsed = z.safeParse(textsSchema, file.grant_page);
    if (!parsed.success) throw new Error(`i18n/${lang}.json: grant_page is incomplete`);
    return [lang, parsed.data as GrantPageTexts] as const;
  });
  return Object.fromEntries(entries) as Record<GrantPageLang, GrantPageTexts>;
}

/** The state's language, else the first of Accept-Language we speak, else English. */
export function pickGrantPageLang(stateLang: string | undefined, acceptLanguage: string | undefined): GrantPageLang {
  const asked = [stateLang, ...(acceptLanguage ?? '').split(',').map((part) => part.split(';')[0]?.trim())];
  for (const tag of asked) {
    const base = tag?.toLowerCase().split('-')[0];
    const lang = grantPageLangs.find((l) => l === base);
    if (lang) return lang;
  }
  return 'en';
}
