import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTranslator } from '../../../widget/i18n/create-translator';
import { messageKeys } from '../../../widget/i18n/message-keys';
import { repoRoot } from '../harness/built-widget';

const locales = ['ru', 'en', 'es', 'pt'] as const;
const langs = Object.fromEntries(
  locales.map((locale) => [locale, JSON.parse(readFileSync(join(repoRoot, 'i18n', `${locale}.json`), 'utf8'))]),
) as Record<(typeof locales)[number], Record<string, Record<string, string>>>;

function lookup(root: unknown, key: string): unknown {
  return key.split('.').reduce<unknown>((node, part) => (node as Record<string, unknown> | undefined)?.[part], root);
}

describe('UI strings', () => {
  it.each(locales)('every key the panel uses has a non-empty %s translation', (locale) => {
    const missing = messageKeys.filter((key) => {
      const value = lookup(langs[locale], key);
      return typeof value !== 'string' || value.trim() === '';
    });
    expect(missing).toEqual([]);
  });

  it('every panel string in the locale files is known to the panel (no dead or untyped keys)', () => {
    const panelSections = new Set(messageKeys.map((key) => key.split('.')[0]));
    const inFiles = Object.entries(langs.en)
      .filter(([section]) => panelSections.has(section))
      .flatMap(([section, entries]) => Object.keys(entries).map((key) => `${section}.${key}`));
    expect(inFiles.sort()).toEqual([...messageKeys].sort());
  });

  it('each locale keeps the same placeholders as English', () => {
    const placeholders = (text: unknown) => [...String(text).matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const locale of locales) {
      for (const key of messageKeys) {
        expect(placeholders(lookup(langs[locale], key)), `${locale} ${key}`).toEqual(
          placeholders(lookup(langs.en, key)),
        );
      }
    }
  });

  it('fills placeholders and shows a missing key as itself', () => {
    const t = createTranslator({ text: (path) => lookup(langs.en, path) as string | undefined });
    expect(t('form.error_title_too_long', { max: 255 })).toBe('Shorten the name to 255 characters or fewer.');
    expect(createTranslator({ text: () => undefined })('status.linked')).toBe('status.linked');
  });

  it('components contain no hard-coded text: every visible string comes through t()', async () => {
    const { parseSync } = await import('rolldown/utils');
    const dir = join(repoRoot, 'widget', 'components');
    const offenders: string[] = [];
    for (const file of readdirSync(dir)) {
      const { program } = parseSync(file, readFileSync(join(dir, file), 'utf8'));
      const visit = (node: unknown): void => {
        if (Array.isArray(node)) {
          for (const child of node) visit(child);
          return;
        }
        if (typeof node !== 'object' || node === null) return;
        const n = node as { type?: string; value?: unknown; name?: { name?: string } };
        if (n.type === 'JSXText' && /\p{L}/u.test(String(n.value)))
          offenders.push(`${file}: ${String(n.value).trim()}`);
        const textAttributes = ['aria-label', 'placeholder', 'title', 'alt'];
        if (n.type === 'JSXAttribute' && textAttributes.includes(String(n.name?.name))) {
          const value = n.value as { type?: string } | null;
          if (value?.type === 'Literal') offenders.push(`${file}: ${n.name?.name} literal`);
        }
        for (const child of Object.values(n)) visit(child);
      };
      visit(program);
    }
    expect(offenders).toEqual([]);
  });
});
