import { z } from 'zod/mini';
import { isStorableText, storableTextMessage } from '../storable-text';
import { linkPutRequestSchema } from './link-put-request';

/**
 * The PUT body as the backend takes it: the widget's schema plus text the database can keep (no NUL, no lone
 * surrogate). Kept apart from linkPutRequestSchema, which the widget bundles: an admin cannot type either, and the
 * check would cost the widget's tight size budget about 0.2 KB.
 */
export const storableLinkPutRequestSchema = linkPutRequestSchema.check(
  z.superRefine((body, ctx) => {
    for (const key of ['title', 'webhook_url'] as const) {
      if (!isStorableText(body[key])) {
        ctx.addIssue({ code: 'custom', path: [key], message: storableTextMessage, input: body[key] });
      }
    }
  }),
);
