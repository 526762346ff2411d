import { z } from 'zod/mini';

/**
 * A source at `/api/v4/sources` (crm-rest.md §4): one per messenger number, `external_id` = our link id. Loose, so a
 * field amoCRM adds never breaks a sync. `pipeline_id` may name an archived pipeline.
 */
export const amocrmSource = z.looseObject({
  id: z.number().check(z.int(), z.positive()),
  name: z.string(),
  external_id: z.string(),
  pipeline_id: z.optional(z.nullable(z.number().check(z.int()))),
  default: z.optional(z.boolean()),
  origin_code: z.optional(z.nullable(z.string())),
});

/** The list, create and update answers: `_embedded.sources[]` (a 204 with no body is handled before parsing). */
export const amocrmSourceList = z.looseObject({
  _embedded: z.looseObject({ sources: z.array(amocrmSource) }),
});

/** v4 caps `external_id` at 36 printable ASCII characters (crm-rest.md §4.2); our link ids are 36-character UUIDs. */
export const sourceExternalIdMaxLength = 36;

/** "Any printable ASCII character and the space", 1 to 36 of them (crm-rest.md §4.2). */
export const sourceExternalId = z.string().check(z.regex(/^[\x20-\x7E]{1,36}$/));

/** What the backend sends when it creates or changes a source; never `default` (amo's own choice stays amo's). */
export interface SourceInput {
  name: string;
  external_id: string;
  /** null: leave the choice to amoCRM (its main pipeline). */
  pipeline_id: number | null;
}

export type AmocrmSource = z.infer<typeof amocrmSource>;
