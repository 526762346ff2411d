import { type ArchiveFiles, decodeUtf8, type Violation, violation } from './violation';

function leafKeys(node: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  if (typeof node !== 'object' || node === null || Array.isArray(node)) return out;
  for (const [key, value] of Object.entries(node)) {
    const path = prefix === '' ? key : `${prefix}.${key}`;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      for (const [k, v] of leafKeys(value, path)) out.set(k, v);
    } else {
      out.set(path, value);
    }
  }
  return out;
}

const cyrillic = /[\u0400-\u04ff]/;
const ruDomain = /\.ru\b/i;

/**
 * All locale files have the same key structure (integrations/structure.md) and the en/es/pt ones carry no Russian
 * text and no .ru links (requirements.md §3.1.3).
 */
export function checkI18n(files: ArchiveFiles): Violation[] {
  const found: Violation[] = [];
  const locales = new Map<string, Map<string, unknown>>();
  for (const [name, bytes] of files) {
    const match = /^i18n\/([a-z]{2})\.json$/.exec(name);
    if (match === null) continue;
    const text = decodeUtf8(bytes);
    let json: unknown;
    try {
      json = text === null ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    if (typeof json !== 'object' || json === null) {
      found.push(violation(name, 'i18n/json', 'is not a JSON object'));
      continue;
    }
    locales.set(name, leafKeys(json));
  }
  const union = new Set<string>();
  for (const keys of locales.values()) for (const key of keys.keys()) union.add(key);
  for (const [name, keys] of locales) {
    const missing = [...union].filter((key) => !keys.has(key));
    if (missing.length > 0) {
      found.push(violation(name, 'i18n/key-mismatch', `lacks keys other locales have: ${missing.join(', ')}`));
    }
    if (name === 'i18n/ru.json') continue;
    for (const [key, value] of keys) {
      if (typeof value !== 'string') continue;
      if (cyrillic.test(value)) found.push(violation(name, 'i18n/cyrillic', `"${key}" contains Cyrillic text`));
      if (ruDomain.test(value)) found.push(violation(name, 'i18n/ru-domain', `"${key}" mentions a .ru address`));
    }
  }
  return found;
}
