import { errors, type JWTPayload, jwtVerify } from 'jose';
import type { AccountDomain } from '../../amocrm/account-hosts';
import type { AmojoRegion } from '../../amojo/amojo-hosts';
import { AppError } from '../../http/app-error';
import { parseAccountOrigin } from './parse-account-origin';

/**
 * amoCRM's disposable token (oauth/disposable-tokens.md, widget-platform.md §5). The docs name the algorithm
 * ("HS256", keyed with the integration's secret) and list these claims after decoding:
 *   iss          string  the account's address, e.g. "https://subdomain.amocrm.ru"
 *   aud          string  "base address formed from the integration's redirect_uri", e.g. "https://external.integration.io"
 *   jti          string  the token's UUID
 *   iat/nbf/exp  int     issued at / valid from / expires at (unix seconds); the examples show exp - iat = 1800
 *   account_id   int     the account the request came from
 *   user_id      int     the user the request was made as
 *   client_uuid  string  the integration's UUID (AMOCRM_CLIENT_ID)
 * The example payload also carries `subdomain`, which the table omits; it is checked against `iss` when present.
 */
export interface OneTimeTokenIdentity {
  accountId: number;
  userId: number;
  subdomain: string;
  /** The account's CRM domain (amocrm.ru, amocrm.com, kommo.com), from `iss`. */
  domain: AccountDomain;
  region: AmojoRegion;
  /** `https://<subdomain>.<domain>` from `iss`. */
  accountOrigin: string;
  jti: string;
  /** `exp` in epoch milliseconds, the unit the store uses. */
  expiresAt: number;
}

export interface VerifyOneTimeTokenOptions {
  /** AMOCRM_CLIENT_SECRET, used as the HMAC key as its UTF-8 bytes. */
  secret: string;
  /** AMOCRM_CLIENT_ID; `client_uuid` must equal it. */
  clientId: string;
  /** The origin `aud` must name: that of AMOCRM_REDIRECT_URI (e.g. `https://channel.example.com`). */
  audience: string;
  now: Date;
  /** Clock skew forgiven on `exp` and `nbf`; 30 s by default. */
  leewaySeconds?: number;
}

export const DEFAULT_TOKEN_LEEWAY_SECONDS = 30;
// Real tokens are a few hundred bytes; anything far larger is refused before any crypto runs.
const MAX_TOKEN_CHARS = 4096;

/**
 * Verifies `X-Auth-Token` and returns who sent it, or throws AppError auth_missing / auth_invalid / auth_expired.
 * Single use of `jti` needs storage, so the caller enforces it (auth_replayed).
 */
export async function verifyOneTimeToken(
  token: string | null | undefined,
  options: VerifyOneTimeTokenOptions,
): Promise<OneTimeTokenIdentity> {
  if (token === null || token === undefined || token.trim() === '') {
    throw new AppError('auth_missing', 'The X-Auth-Token header is missing.');
  }
  if (token.length > MAX_TOKEN_CHARS) throw invalid('The X-Auth-Token header is not a valid token.');

  const leeway = options.leewaySeconds ?? DEFAULT_TOKEN_LEEWAY_SECONDS;
  let payload: JWTPayload;
  try {
    ({ payload } = await jwtVerify(token.trim(), new TextEncoder().encode(options.secret), {
      // jwtVerify never accepts alg "none"; this list also shuts out HS384/HS512 and every asymmetric alg, so a
      // token signed with a public key passed off as an HMAC secret cannot get through.
      algorithms: ['HS256'],
      currentDate: options.now,
      clockTolerance: leeway,
      requiredClaims: ['iss', 'aud', 'jti', 'exp'],
    }));
  } catch (error) {
    throw fromJoseError(error);
  }

  if (!audienceMatches(payload.aud, options.audience)) throw invalid('The token was issued for another audience.');
  if (typeof payload.client_uuid !== 'string' || !sameId(payload.client_uuid, options.clientId)) {
    throw invalid('The token was issued for another integration.');
  }
  const account = typeof payload.iss === 'string' ? parseAccountOrigin(payload.iss) : null;
  if (account === null) throw invalid('The token was not issued by an amoCRM or Kommo account.');
  if (payload.subdomain !== undefined && payload.subdomain !== account.subdomain) {
    throw invalid('The token names two different accounts.');
  }
  const accountId = positiveInteger(payload.account_id);
  const userId = positiveInteger(payload.user_id);
  if (accountId === null || userId === null) throw invalid('The token lacks a valid account_id or user_id.');
  const { jti, exp } = payload;
  if (typeof jti !== 'string' || jti.length === 0 || jti.length > 200 || exp === undefined) {
    throw invalid('The token lacks a valid jti.');
  }

  return {
    accountId,
    userId,
    subdomain: account.subdomain,
    domain: account.domain,
    region: account.region,
    accountOrigin: account.origin,
    jti,
    expiresAt: exp * 1000,
  };
}

function invalid(message: string): AppError {
  return new AppError('auth_invalid', message);
}

function fromJoseError(error: unknown): AppError {
  if (error instanceof errors.JWTExpired) return new AppError('auth_expired', 'The token has expired.');
  if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'nbf' && error.reason === 'check_failed') {
    return new AppError('auth_expired', 'The token is not valid yet.');
  }
  if (error instanceof errors.JWTClaimValidationFailed) return invalid(`The token's ${error.claim} claim is invalid.`);
  // Bad signature, disallowed alg, malformed JWS: one message, so the answer reveals nothing about the key.
  return invalid('The token could not be verified.');
}

/**
 * The docs call aud a "base address" derived from redirect_uri without saying whether a path stays in it
 * (widget-platform.md §9.4). Comparing origins accepts either form; the signature and client_uuid already bind
 * the token to this integration, so the origin is the part that carries meaning.
 */
function audienceMatches(aud: JWTPayload['aud'], expectedOrigin: string): boolean {
  const values = typeof aud === 'string' ? [aud] : Array.isArray(aud) ? aud : [];
  return values.some((value) => originOf(value) === expectedOrigin);
}

function originOf(value: string): string | null {
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : null;
  } catch {
    return null;
  }
}

function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function positiveInteger(value: unknown): number | null {
  return typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : null;
}
