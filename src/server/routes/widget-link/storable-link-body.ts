import { z } from 'zod/mini';
import { isStorableText, storableTextMessage } from '../../../contracts/storable-text';

/**
 * A link body schema (create or update) plus text the database can keep in `title` and `webhook_url` (no NUL, no
 * lone surrogate): a 400 naming the field instead of a 500 from PostgreSQL. Kept out of the contracts the widget
 * bundles, as storableLinkPutRequestSchema is.
 */
export function storableLinkBody<T extends z.ZodMiniType<{ title: string; webhook_url: string }>>(schema: T): T {
  return schema.check(
    z.superRefine((body, ctx) => {
      for (const key of ['title', 'webhook_url'] as const) {
        if (!isStorableText(body[key])) {
          ctx.addIssue({ code: 'custom', path: [key], message: storableTextMessage, input: body[key] });
        }
      }
    }),
  );
}
