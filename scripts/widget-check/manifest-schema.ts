import { z } from 'zod/mini';

/** The locales the platform knows (APP.lang_id; integrations/structure.md lists the i18n files). */
export const platformLocales = ['ru', 'en', 'es', 'pt'] as const;

/** Location codes from integrations/areas.md and structure.md; card and list codes may carry a -0/-1 suffix. */
const locationCodes = [
  'lcard',
  'ccard',
  'comcard',
  'cucard',
  'llist',
  'clist',
  'tlist',
  'culist',
  'tline',
  'tcalendar',
  'settings',
  'advanced_settings',
  'card_sdk',
  'catalogs',
  'digital_pipeline',
  'lead_sources',
  'whatsapp_modal',
  'salesbot_designer',
  'sms',
  'mobile_card',
  'amoforms',
  'widget_page',
  'personal_page',
  'everywhere',
];

const locationPattern = new RegExp(`^(?:everywhere|(?:${locationCodes.join('|')})(?:-[01])?)$`);

const i18nKey = z.string().check(z.regex(/^[a-z0-9_]+(?:\.[a-z0-9_]+)+$/i, 'must be a dotted i18n key'));

/** manifest.json as integrations/structure.md and requirements.md §3.1.2 describe it, for this widget's blocks. */
export const manifestSchema = z.object({
  widget: z.object({
    name: i18nKey,
    description: i18nKey,
    short_description: i18nKey,
    version: z.string().check(z.regex(/^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?$/, 'must be a semantic version')),
    interface_version: z.literal(2, 'must be 2 (version 1 registrations are closed)'),
    init_once: z.optional(z.boolean('must be true or false')),
    locale: z
      .array(z.enum(platformLocales, 'must be one of ru, en, es, pt'))
      .check(z.minLength(1, 'must list at least one locale')),
    installation: z.boolean('must be true or false'),
    is_showcase: z.optional(z.boolean('must be true or false')),
    support: z.object({
      link: z.optional(z.url({ protocol: /^https$/, error: 'must be an https URL' })),
      email: z.optional(z.email('must be an e-mail address')),
    }),
    code: z.optional(z.string()),
    secret_key: z.optional(z.string()),
  }),
  locations: z
    .array(z.string().check(z.regex(locationPattern, 'is not a documented location')))
    .check(z.minLength(1, 'must list at least one location')),
  tour: z.object({
    is_tour: z.literal(true, 'must be true (false is deprecated)'),
    tour_images: z.record(
      z.string(),
      z
        .array(z.string().check(z.regex(/^\/images\/[\w.-]+\.(?:png|jpe?g|gif)$/, 'must be /images/<file>.png')))
        .check(z.minLength(1, 'must list at least one image')),
    ),
    tour_description: i18nKey,
  }),
  settings: z.record(
    z.string().check(z.regex(/^[a-z0-9_]+$/i, 'field codes are letters, digits and _')),
    z.object({
      name: i18nKey,
      type: z.enum(['text', 'pass', 'users', 'users_lp', 'custom'], 'must be text, pass, users, users_lp or custom'),
      required: z.boolean('must be true or false'),
    }),
  ),
});

export type Manifest = z.infer<typeof manifestSchema>;
