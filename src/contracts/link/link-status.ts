import { z } from 'zod/mini';
import {
  amojoIdSchema,
  intSchema,
  linkTitleSchema,
  minLengthString,
  timestampSchema,
  webhookUrlSchema,
} from './link-fields';

/** The account as the backend knows it from the verified token (never from a request body). */
export const linkAccountSchema = z.object({
  id: intSchema(1),
  subdomain: minLengthString(1),
});

/*
 * Responses use z.object (unknown keys are dropped, not rejected), so a backend that adds a field does not break
 * widgets already installed in accounts.
 */
export const unlinkedStatusSchema = z.object({
  state: z.literal('unlinked'),
  account: linkAccountSchema,
});

export const linkedStatusSchema = z.object({
  state: z.literal('linked'),
  account: linkAccountSchema,
  amojo_id: amojoIdSchema,
  title: linkTitleSchema,
  webhook_url: webhookUrlSchema,
  time_window_disabled: z.boolean(),
  /** The first characters of the active API key, enough to recognise it and never enough to use it. */
  api_key_hint: z.string(),
  /** When the current link was made: a relink after an unlink starts it again ("Linked on" in the panel). */
  created_at: timestampSchema,
  updated_at: timestampSchema,
});

/** Body of `GET /api/widget/link` (200); `state` tells the two shapes apart. */
export const linkStatusSchema = z.union([unlinkedStatusSchema, linkedStatusSchema]);

export type LinkAccount = z.infer<typeof linkAccountSchema>;
export type UnlinkedStatus = z.infer<typeof unlinkedStatusSchema>;
export type LinkedStatus = z.infer<typeof linkedStatusSchema>;
export type LinkStatus = z.infer<typeof linkStatusSchema>;
