import { z } from 'zod/mini';
import { amojoIdSchema, linkTitleSchema, webhookUrlSchema } from './link-fields';

/**
 * Body of `PUT /api/widget/link`: link the token's account, or update an existing link. Strict, so a misspelt field
 * is an `invalid_request` naming it instead of being silently dropped.
 */
export const linkPutRequestSchema = z.strictObject({
  amojo_id: amojoIdSchema,
  title: linkTitleSchema,
  webhook_url: webhookUrlSchema,
  /** Sent to amojo connect as `is_time_window_disabled`. */
  time_window_disabled: z.boolean(),
});

/** Body of `POST .../rotate` and `POST .../test`: an empty JSON object. */
export const linkActionRequestSchema = z.strictObject({});

export type LinkPutRequest = z.infer<typeof linkPutRequestSchema>;
export type LinkActionRequest = z.infer<typeof linkActionRequestSchema>;
