import { z } from 'zod/mini';
import { storableText } from '../storable-text';

const optionalId = z.exactOptional(
  z.pipe(
    z.union([z.string().check(z.minLength(1), z.maxLength(255), storableText), z.int()]),
    z.transform((value: string | number) => String(value)),
  ),
);

/**
 * What the messenger may answer a delivery with (any 2xx; the body is optional and may hold more). `message_id`:
 * its id for the delivered copy, so later receipts, replies and reactions can use it. `conversation_id` (and
 * `recipient_id`): after a `conversation.started`, its ids for the new conversation and the client.
 */
export const bridgeDeliveryResponse = z.looseObject({
  message_id: optionalId,
  conversation_id: optionalId,
  recipient_id: optionalId,
});

export type BridgeDeliveryResponse = z.infer<typeof bridgeDeliveryResponse>;

/**
 * Reads a 2xx body leniently: an empty, non-JSON or unexpected body is `{}` (the delivery still counts), and ids
 * of the wrong type are dropped one by one rather than failing the whole answer.
 */
export function parseBridgeDeliveryResponse(text: string): BridgeDeliveryResponse {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return {};
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return {};
  const out: BridgeDeliveryResponse = {};
  for (const key of ['message_id', 'conversation_id', 'recipient_id'] as const) {
    const parsed = z.safeParse(optionalId, (json as Record<string, unknown>)[key]);
    if (parsed.success && parsed.data !== undefined) out[key] = parsed.data;
  }
  return out;
}
