import { z } from 'zod/mini';

const optional = z.exactOptional;

/**
 * The 202 every bridge write answers once the work is on disk. `id` is what the request was accepted under (the
 * messenger's message id, the reaction id, the import id…). `duplicate`: the same request was accepted before and
 * nothing new happened. `throttled` (typing) and `ignored` (a receipt that would move a status backwards, typing in a
 * conversation we do not know) say the request was valid but had nothing to pass on.
 */
export const bridgeAccepted = z.strictObject({
  accepted: z.literal(true),
  id: z.string(),
  duplicate: z.boolean(),
  throttled: optional(z.boolean()),
  ignored: optional(z.boolean()),
  /** History imports: how many messages of the batch were new. */
  queued: optional(z.int().check(z.gte(0))),
});

/** Error codes the bridge answers with, each with one HTTP status. */
export const bridgeErrorCodes = [
  'invalid_request',
  'unsupported_media_type',
  'payload_too_large',
  'auth_missing',
  'auth_invalid',
  'not_linked',
  'not_found',
  'idempotency_conflict',
  'conversation_id_taken',
  'account_not_installed',
  'rate_limited',
  'storage_unavailable',
  'internal_error',
] as const;

export type BridgeErrorCode = (typeof bridgeErrorCodes)[number];

/** The error body of every non-2xx answer (the server's one error shape); `issues` names each bad field. */
export const bridgeErrorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: optional(z.array(z.object({ path: z.string(), message: z.string() }))),
  }),
});

/** GET /bridge/v1/history-imports/{import_id}: progress of an import, to resume it after an interruption. */
export const bridgeHistoryImportStatus = z.strictObject({
  import_id: z.string(),
  conversation_id: z.string(),
  /** Messages accepted so far (all batches). */
  received: z.int(),
  /** Of those: passed to amoCRM, waiting, given up on after every retry. */
  sent: z.int(),
  pending: z.int(),
  failed: z.int(),
  /** The newest message accepted so far: resume with the messages after it. */
  last_message_id: z.nullable(z.string()),
  last_sent_at: z.nullable(z.string()),
  /** A batch with `final: true` was accepted. */
  final_received: z.boolean(),
  /** final_received, and nothing is pending. */
  completed: z.boolean(),
});
