import { z } from 'zod/mini';

/**
 * Source external id in Chats API requests: up to 40 printable ASCII characters, space included
 * ([ref] "Описание объекта source"). The v4 sources API itself caps it at 36; that limit belongs to the v4 contract.
 */
export const sourceExternalId = z.string().check(z.regex(/^[\x20-\x7e]{1,40}$/));

/** `source` of create-chat and new_message. Omit the whole object when no source is used, never send it empty. */
export const source = z.strictObject({ external_id: sourceExternalId });
