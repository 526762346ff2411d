import { z } from 'zod/mini';
import { type Manifest, manifestSchema } from './manifest-schema';
import { type ArchiveFiles, decodeUtf8, type Violation, violation } from './violation';

export interface ManifestCheckResult {
  readonly manifest: Manifest | null;
  readonly violations: Violation[];
}

function lookup(root: unknown, key: string): unknown {
  let node = root;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

function parseJson(files: ArchiveFiles, name: string): unknown {
  const bytes = files.get(name);
  const text = bytes === undefined ? null : decodeUtf8(bytes);
  if (text === null) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** The schema plus the cross-file rules: version sync, the custom field, locale files and i18n key references. */
export function checkManifest(files: ArchiveFiles, expectedVersion: string): ManifestCheckResult {
  const file = 'manifest.json';
  const json = parseJson(files, file);
  if (json === undefined)
    return { manifest: null, violations: [violation(file, 'manifest/json', 'is not valid JSON')] };
  const parsed = z.safeParse(manifestSchema, json);
  if (!parsed.success) {
    const violations = parsed.error.issues.map((issue) =>
      violation(file, 'manifest/schema', `${issue.path.join('.') || '(root)'} ${issue.message}`),
    );
    return { manifest: null, violations };
  }
  const manifest = parsed.data;
  const found: Violation[] = [];
  const { widget, settings, tour, locations } = manifest;
  if (widget.version !== expectedVersion) {
    found.push(
      violation(
        file,
        'manifest/version-sync',
        `version ${widget.version} differs from package.json ${expectedVersion}`,
      ),
    );
  }
  if (widget.secret_key !== undefined || widget.code !== undefined) {
    found.push(
      violation(file, 'manifest/legacy-secret', 'widget.code/secret_key are legacy and a leaked secret; drop them'),
    );
  }
  if (widget.support.link === undefined && widget.support.email === undefined) {
    found.push(violation(file, 'manifest/support', 'widget.support needs a link or an email'));
  }
  const fields = Object.entries(settings);
  if (fields.length === 0) found.push(violation(file, 'manifest/settings', 'settings must declare at least one field'));
  const custom = fields.filter(([, field]) => field.type === 'custom');
  if (custom.length > 1)
    found.push(violation(file, 'manifest/custom-field', 'only one custom settings field is allowed'));
  if (custom.length > 0 && !locations.includes('settings')) {
    found.push(violation(file, 'manifest/custom-field', 'a custom settings field needs the "settings" location'));
  }
  const tourLocales = Object.keys(tour.tour_images).sort();
  if (tourLocales.join() !== [...widget.locale].sort().join()) {
    found.push(
      violation(file, 'manifest/tour-images', `tour_images covers ${tourLocales.join(', ')}, not the locales`),
    );
  }
  const keys = [
    widget.name,
    widget.description,
    widget.short_description,
    tour.tour_description,
    ...fields.map(([, field]) => field.name),
  ];
  for (const locale of widget.locale) {
    const localeFile = `i18n/${locale}.json`;
    const langs = parseJson(files, localeFile);
    if (langs === undefined) {
      found.push(violation(localeFile, 'manifest/locale-file', `locale "${locale}" has no readable ${localeFile}`));
      continue;
    }
    for (const key of keys) {
      const value = lookup(langs, key);
      if (typeof value !== 'string' || value.trim() === '') {
        found.push(
          violation(localeFile, 'manifest/i18n-key', `"${key}" (referenced by manifest.json) is missing or empty`),
        );
      }
    }
  }
  return { manifest, violations: found };
}
