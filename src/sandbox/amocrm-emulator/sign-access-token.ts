import { createHmac } from 'node:crypto';

export interface AccessTokenClaims {
  /** The integration (client_id), as amoCRM's `aud`. */
  readonly aud: string;
  readonly jti: string;
  readonly iat: number;
  readonly nbf: number;
  readonly exp: number;
  /** The granting user, as a string (JWT `sub`). */
  readonly sub: string;
  readonly account_id: number;
  readonly user_id: number;
  readonly client_uuid: string;
  /** e.g. `api-a.amocrm.ru` (crm-rest §1.9 shows that form). */
  readonly api_domain: string;
  readonly base_domain: string;
  readonly scopes: readonly string[];
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/**
 * An HS256 JWT in the shape of amoCRM's access tokens (crm-rest §1.6: a JWT with the user, integration and account).
 * The key is private to the emulator: clients must treat the token as opaque, and the emulator finds tokens by value,
 * so the signature only makes the token look and parse like the real one.
 */
export function signAccessToken(claims: AccessTokenClaims, key: Buffer): string {
  const head = base64url(JSON.stringify({ typ: 'JWT', alg: 'HS256', jti: claims.jti }));
  const body = base64url(JSON.stringify(claims));
  const signature = createHmac('sha256', key).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${signature}`;
}
