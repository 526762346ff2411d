import { z } from 'zod/mini';

/**
 * What the custom settings field stores. The platform saves only a JSON string or a number there (a plain string is
 * dropped), and the field is `required`, so it stays empty until the admin consents: that blocks Install/Save, as the
 * consent pattern in integrations/script_js.md describes. The link state rides along, so render/init can tell whether
 * the account is linked without a network call. A webhook URL given ahead of the install (the sandbox seeds the demo
 * messenger's) starts the form and is kept; the widget never stores one itself, since every user's browser gets
 * the settings. A value without consent is read for that URL only; the panel writes the field empty until consent.
 */
const fieldValueSchema = z.object({
  consent_at: z.optional(z.string()),
  link: z.optional(z.enum(['linked', 'unlinked', 'unknown'])),
  webhook_url: z.optional(z.string()),
});

export type FieldValue = z.infer<typeof fieldValueSchema>;

export function encodeFieldValue(value: FieldValue | null): string {
  // JSON.stringify leaves out what is undefined
  return value === null
    ? ''
    : JSON.stringify({ consent_at: value.consent_at, link: value.link, webhook_url: value.webhook_url });
}

/** Accepts the hidden input's string or what get_settings() returns, which may already be parsed. */
export function decodeFieldValue(raw: unknown): FieldValue | null {
  let value = raw;
  if (typeof raw === 'string') {
    try {
      value = JSON.parse(raw);
    } catch {
      return null;
    }
  }
  const parsed = z.safeParse(fieldValueSchema, value);
  return parsed.success ? parsed.data : null;
}
