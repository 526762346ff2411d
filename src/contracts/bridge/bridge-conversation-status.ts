import { z } from 'zod/mini';
import { bridgeContactStates } from './bridge-contact-hint';

const optional = z.exactOptional;

/**
 * GET /bridge/v1/conversations/{id}: a conversation of the link as the backend knows it. `id` is the messenger's
 * conversation id, `link_id` the link (number) it runs through, `amojo_chat_id` amoCRM's chat id once known (null
 * before), and `contact` the fate of its contact hint (`id` once bound).
 */
export const bridgeConversationStatus = z.strictObject({
  id: z.string(),
  link_id: z.string(),
  amojo_chat_id: z.nullable(z.string()),
  contact: z.strictObject({
    state: z.enum(bridgeContactStates),
    id: optional(z.int()),
  }),
});
