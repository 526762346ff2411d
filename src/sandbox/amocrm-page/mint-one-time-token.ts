import { SignJWT } from 'jose';

/** amoCRM's examples show a 30-minute lifetime (widget-platform.md §5). */
export const ONE_TIME_TOKEN_TTL_SECONDS = 1800;

export interface OneTimeTokenInput {
  /** The integration's secret key (AMOCRM_CLIENT_SECRET), used as UTF-8 bytes. */
  readonly secret: string;
  /** The integration id (AMOCRM_CLIENT_ID). */
  readonly clientId: string;
  /** The backend's redirect_uri (or its origin); `aud` is its origin. */
  readonly audience: string;
  readonly accountId: number;
  readonly subdomain: string;
  readonly domain: string;
  readonly userId: number;
  readonly jti: string;
  readonly now: Date;
}

/**
 * The disposable token `$authorizedAjax` puts in X-Auth-Token: HS256 over the claims of oauth/disposable-tokens.md
 * (iss, aud, jti, iat, nbf, exp, account_id, user_id, client_uuid, plus the example's subdomain).
 */
export function mintOneTimeToken(input: OneTimeTokenInput): Promise<string> {
  const iat = Math.floor(input.now.getTime() / 1000);
  return new SignJWT({
    account_id: input.accountId,
    user_id: input.userId,
    client_uuid: input.clientId,
    subdomain: input.subdomain,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(`https://${input.subdomain}.${input.domain}`)
    .setAudience(new URL(input.audience).origin)
    .setJti(input.jti)
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(iat + ONE_TIME_TOKEN_TTL_SECONDS)
    .sign(new TextEncoder().encode(input.secret));
}
