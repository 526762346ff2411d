import { z } from 'zod/mini';
import type { WidgetSource } from './open-widget-source';

const manifestSchema = z.looseObject({
  widget: z.looseObject({
    name: z.optional(z.string()),
    description: z.optional(z.string()),
    short_description: z.optional(z.string()),
    version: z.optional(z.string()),
    locale: z.optional(z.array(z.string())),
  }),
  settings: z.optional(
    z.record(
      z.string(),
      z.looseObject({ name: z.optional(z.string()), type: z.string(), required: z.optional(z.boolean()) }),
    ),
  ),
});

export interface WidgetManifest {
  readonly nameKey: string;
  readonly descriptionKey: string;
  readonly shortDescriptionKey: string;
  readonly version: string;
  readonly locales: readonly string[];
  readonly fields: readonly {
    readonly code: string;
    readonly nameKey: string;
    readonly type: string;
    readonly required: boolean;
  }[];
}

export type ManifestResult =
  | { readonly ok: true; readonly manifest: WidgetManifest }
  | { readonly ok: false; readonly error: string };

/** The parts of manifest.json the settings modal needs; amoCRM's own validation is the widget check's job. */
export function readWidgetManifest(source: WidgetSource): ManifestResult {
  const bytes = source.read('manifest.json');
  if (bytes === null) return { ok: false, error: `no manifest.json in ${source.origin}` };
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    return { ok: false, error: `manifest.json in ${source.origin} is not valid JSON` };
  }
  const parsed = z.safeParse(manifestSchema, json);
  if (!parsed.success) return { ok: false, error: `manifest.json in ${source.origin} has no usable "widget" block` };
  const { widget, settings = {} } = parsed.data;
  return {
    ok: true,
    manifest: {
      nameKey: widget.name ?? 'widget.name',
      descriptionKey: widget.description ?? 'widget.description',
      shortDescriptionKey: widget.short_description ?? 'widget.short_description',
      version: widget.version ?? '0.0.0',
      locales: widget.locale ?? [],
      fields: Object.entries(settings).map(([code, field]) => ({
        code,
        nameKey: field.name ?? code,
        type: field.type,
        required: field.required === true,
      })),
    },
  };
}

/** Reads i18n/<lang>.json; an unreadable file counts as empty so the page still opens and shows the raw keys. */
export function readWidgetI18n(source: WidgetSource, lang: string): Record<string, unknown> {
  const bytes = source.read(`i18n/${lang}.json`);
  if (bytes === null) return {};
  try {
    const value: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}

/** The string at a dotted i18n path (`widget.name`), or the path itself, as amoCRM shows a missing key. */
export function lookupI18n(langs: Record<string, unknown>, path: string): string {
  let node: unknown = langs;
  for (const part of path.split('.')) {
    if (typeof node !== 'object' || node === null) return path;
    node = (node as Record<string, unknown>)[part];
  }
  return typeof node === 'string' ? node : path;
}
