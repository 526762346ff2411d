import { z } from 'zod/mini';

/**
 * GET /api/v4/account?with=amojo_id (crm-rest.md §2): only the fields the backend reads; the rest is kept loose so
 * a field amoCRM adds never breaks an install. `amojo_id` is the Chats API account id, never the numeric `id`.
 */
export const accountResponse = z.looseObject({
  id: z.number().check(z.int(), z.positive()),
  name: z.optional(z.string()),
  subdomain: z.string().check(z.minLength(1)),
  current_user_id: z.number().check(z.int(), z.positive()),
  amojo_id: z.string().check(z.minLength(1)),
});

/** GET /api/v4/users/{id} (crm-rest.md §3): admin-only; a 403 already means the caller is no admin. */
export const userResponse = z.looseObject({
  id: z.number().check(z.int(), z.positive()),
  name: z.optional(z.string()),
  rights: z.looseObject({
    is_admin: z.boolean(),
    is_active: z.optional(z.boolean()),
    is_free: z.optional(z.boolean()),
  }),
});

/** amoCRM's error body (application/problem+json, crm-rest.md §7); every field may be absent. */
export const problemBody = z.looseObject({
  title: z.optional(z.string()),
  type: z.optional(z.string()),
  status: z.optional(z.number()),
  detail: z.optional(z.string()),
});

export type AccountResponse = z.infer<typeof accountResponse>;
export type UserResponse = z.infer<typeof userResponse>;
export type ProblemBody = z.infer<typeof problemBody>;
