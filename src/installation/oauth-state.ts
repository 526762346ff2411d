import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod/mini';
import { parseEncryptionKey } from '../store/secret-box';

/** How long the access popup may stay open before its `state` is refused. */
const DEFAULT_TTL_MS = 30 * 60 * 1000;

/** A state is a few hundred characters; anything much longer is not ours and is refused before any work. */
const MAX_STATE_LENGTH = 1024;

const BASE64URL = /^[A-Za-z0-9_-]+$/;

const claims = z.strictObject({
  accountId: z.int().check(z.positive()),
  /** The widget's language when it is known; without it the result page follows the browser's Accept-Language. */
  lang: z.optional(z.string().check(z.minLength(1), z.maxLength(16))),
  nonce: z.string().check(z.minLength(8), z.maxLength(64)),
  expiresAt: z.int(),
});

export type OAuthStateClaims = z.infer<typeof claims>;

/**
 * The key that signs the access popup's `state`, derived from DATA_ENCRYPTION_KEY (HKDF, its own label, as
 * deriveMediaLinkKey does) so that no second secret has to be configured and neither key opens the other's values.
 */
export function deriveOAuthStateKey(dataEncryptionKey: string): Buffer {
  return Buffer.from(hkdfSync('sha256', parseEncryptionKey(dataEncryptionKey), '', 'channel oauth state v1', 32));
}

const sign = (key: Buffer, body: string) => createHmac('sha256', key).update(body).digest('base64url');

/**
 * The `state` for amoCRM's access popup (crm-rest §1.2, §9.6): `base64url(JSON claims).base64url(HMAC-SHA256)`.
 * Stateless, so any instance can check it when amoCRM redirects back; the nonce lets the caller make it single use
 * (markTokenSeen until `expiresAt`).
 */
export function issueOAuthState(input: {
  key: Buffer;
  accountId: number;
  lang?: string | undefined;
  now: number;
  ttlMs?: number;
  nonce?: string;
}): string {
  const body = claims.parse({
    accountId: input.accountId,
    ...(input.lang === undefined ? {} : { lang: input.lang }),
    nonce: input.nonce ?? randomBytes(18).toString('base64url'),
    expiresAt: input.now + (input.ttlMs ?? DEFAULT_TTL_MS),
  });
  const encoded = Buffer.from(JSON.stringify(body)).toString('base64url');
  return `${encoded}.${sign(input.key, encoded)}`;
}

/**
 * The claims of a state this backend issued and that has not expired; null for anything else (altered, another
 * key, expired, malformed, oversized). The signature is checked in constant time before the JSON is read.
 */
export function verifyOAuthState(state: string, options: { key: Buffer; now: number }): OAuthStateClaims | null {
  if (state.length > MAX_STATE_LENGTH) return null;
  const parts = state.split('.');
  if (parts.length !== 2) return null;
  const [encoded, signature] = parts as [string, string];
  if (!BASE64URL.test(encoded) || !BASE64URL.test(signature)) return null;
  const presented = Buffer.from(signature);
  const expected = Buffer.from(sign(options.key, encoded));
  if (presented.length !== expected.length || !timingSafeEqual(presented, expected)) return null;
  let json: unknown;
  try {
    json = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const parsed = claims.safeParse(json);
  if (!parsed.success || parsed.data.expiresAt <= options.now) return null;
  return parsed.data;
}
