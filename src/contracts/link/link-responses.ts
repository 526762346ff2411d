import { z } from 'zod/mini';
import { linkCredentialsSchema } from './link-credentials';
import { intSchema, minLengthString } from './link-fields';
import { linkedStatusSchema, unlinkedStatusSchema } from './link-status';

/**
 * Body of `PUT /api/widget/link`: 201 with `created: true` and the credentials when a link was made,
 * 200 with `created: false` and no credentials when an existing link was updated.
 */
export const linkPutResponseSchema = z.union([
  z.object({ created: z.literal(true), status: linkedStatusSchema, credentials: linkCredentialsSchema }),
  z.object({ created: z.literal(false), status: linkedStatusSchema }),
]);

/** Body of `POST /api/widget/link/rotate` (200): the old key and secret stop working at once. */
export const linkRotateResponseSchema = z.object({
  status: linkedStatusSchema,
  credentials: linkCredentialsSchema,
});

/** Body of `DELETE /api/widget/link` (200): amojo disconnected and credentials purged; repeating it is harmless. */
export const linkDeleteResponseSchema = z.object({
  status: unlinkedStatusSchema,
});

/**
 * Body of `POST /api/widget/link/test` (200). The request succeeded even when the messenger did not take the event;
 * `outcome` says what happened at the webhook URL.
 */
export const linkTestResponseSchema = z.object({
  /** delivered: a 2xx; http_error: another status; timeout: no answer in time; unreachable: DNS, TCP or TLS failure. */
  outcome: z.enum(['delivered', 'http_error', 'timeout', 'unreachable']),
  /** The messenger's HTTP status, null when none was received. */
  http_status: z.nullable(intSchema(100, 599)),
  duration_ms: intSchema(0),
  /** The test event's id, as sent to the messenger, so both sides can find it in their logs. */
  event_id: minLengthString(1),
});

export type LinkPutResponse = z.infer<typeof linkPutResponseSchema>;
export type LinkRotateResponse = z.infer<typeof linkRotateResponseSchema>;
export type LinkDeleteResponse = z.infer<typeof linkDeleteResponseSchema>;
export type LinkTestResponse = z.infer<typeof linkTestResponseSchema>;
export type LinkTestOutcome = LinkTestResponse['outcome'];
