import { z } from 'zod/mini';

/**
 * Body of POST /oauth2/access_token (crm-rest.md §1.5), both grants. The token requests repeat the integration's
 * redirect URI exactly; amoCRM refuses a mismatch with 400.
 */
export const tokenRequest = z.union([
  z.strictObject({
    client_id: z.string().check(z.minLength(1)),
    client_secret: z.string().check(z.minLength(1)),
    grant_type: z.literal('authorization_code'),
    code: z.string().check(z.minLength(1)),
    redirect_uri: z.string().check(z.minLength(1)),
  }),
  z.strictObject({
    client_id: z.string().check(z.minLength(1)),
    client_secret: z.string().check(z.minLength(1)),
    grant_type: z.literal('refresh_token'),
    refresh_token: z.string().check(z.minLength(1)),
    redirect_uri: z.string().check(z.minLength(1)),
  }),
]);

/** 200 of either grant: a new pair each time; the old refresh token is dead from this moment (single use). */
export const tokenResponse = z.looseObject({
  token_type: z.string(),
  /** Seconds; 86400 in the docs. */
  expires_in: z.number().check(z.int(), z.positive()),
  access_token: z.string().check(z.minLength(1)),
  refresh_token: z.string().check(z.minLength(1)),
  server_time: z.optional(z.number()),
});

export type TokenRequest = z.infer<typeof tokenRequest>;
export type TokenResponse = z.infer<typeof tokenResponse>;
