import { z } from 'zod/mini';

const optional = z.exactOptional;

/**
 * GET /bridge/v1/messages/{id}: what became of a client message the messenger posted. `queued`: accepted and on its
 * way; `sent`: amoCRM has it (`message_id` is amoCRM's id when known); `failed`: amoCRM refused it for good.
 */
export const bridgeMessageStatus = z.strictObject({
  id: z.string(),
  status: z.enum(['queued', 'sent', 'failed']),
  message_id: optional(z.string()),
});
