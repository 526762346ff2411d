import { z } from 'zod/mini';
import { nonEmptyString } from './non-empty-string';

/**
 * Body of POST /v2/origin/custom/{channel_id}/connect. `account_id` is the account's amojo_id (a UUID), not the
 * numeric amoCRM account id. `hook_api_version` is required here although amojo defaults it to "v1": the default is
 * the deprecated hook format, so every caller must say "v2" on purpose.
 */
export const connectRequest = z.strictObject({
  account_id: nonEmptyString,
  title: z.exactOptional(nonEmptyString),
  hook_api_version: z.enum(['v1', 'v2']),
  is_time_window_disabled: z.exactOptional(z.boolean()),
});

/** amojo echoes the request and adds `scope_id` (observed as `<channel_id>_<account amojo_id>`). */
export const connectResponse = z.looseObject({
  account_id: z.string(),
  scope_id: nonEmptyString,
  title: z.exactOptional(z.string()),
  hook_api_version: z.exactOptional(z.string()),
  is_time_window_disabled: z.exactOptional(z.boolean()),
});

/** Body of DELETE /v2/origin/custom/{channel_id}/disconnect (a DELETE with a JSON body, signed like a POST). */
export const disconnectRequest = z.strictObject({ account_id: nonEmptyString });
