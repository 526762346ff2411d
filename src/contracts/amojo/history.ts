import { z } from 'zod/mini';
import { looseContact, looseFileSize, looseLocation, looseParticipant } from './loose-fields';

const optionalString = z.exactOptional(z.string());

/**
 * Query of GET /v2/origin/custom/{scope_id}/chats/{amojo_chat_id}/history. Values are coerced because they come from
 * a URL; the query string is never part of the signed path.
 */
export const historyQuery = z.strictObject({
  offset: z._default(z.pipe(z.coerce.number(), z.int().check(z.gte(0))), 0),
  limit: z._default(z.pipe(z.coerce.number(), z.int().check(z.gte(1), z.lte(50))), 50),
});

/**
 * One history item. Ids: `message.id` and the participants' `id` are amojo's, the `client_id`s ours. "Empty values
 * may be omitted" per [ref]; the reference example has no msec_timestamp, so that is optional too.
 */
export const historyMessage = z.looseObject({
  timestamp: z.number(),
  msec_timestamp: z.exactOptional(z.number()),
  sender: looseParticipant,
  receiver: z.exactOptional(looseParticipant),
  message: z.looseObject({
    id: z.string().check(z.minLength(1)),
    client_id: optionalString,
    // A plain string, not the nine-value enum: a type amojo adds later must not make a whole page unreadable.
    type: z.string(),
    text: optionalString,
    media: optionalString,
    thumbnail: optionalString,
    file_name: optionalString,
    file_size: z.exactOptional(looseFileSize),
    media_group_id: optionalString,
    location: z.exactOptional(looseLocation),
    contact: z.exactOptional(looseContact),
  }),
});

/** 200 body of the history call, newest message first. A 204 (unknown chat or no messages) has no body at all. */
export const historyResponse = z.looseObject({ messages: z.array(historyMessage) });
