import { safeParse } from 'zod/mini';
import { type TokenRequest, tokenRequest, tokenResponse } from '../contracts/amocrm';
import { formatIssues } from '../contracts/format-issues';
import type { FetchLike } from '../egress/fetch-like';
import { type RetryPolicy, sleep as realSleep, withRetry } from '../http/with-retry';
import type { OAuthGrant, TokenPair } from './amocrm-client';
import { AmocrmError } from './amocrm-error';
import { callAmocrm } from './call';

export interface OAuthGrantOptions {
  clientId: string;
  clientSecret: string;
  /** Repeated exactly in both grants; amoCRM refuses any difference with 400 (crm-rest §1.5, §9.4). */
  redirectUri: string;
  fetch: FetchLike;
  now: () => Date;
  timeoutMs?: number;
  retry?: RetryPolicy;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

/**
 * A few attempts, not the REST client's five: an install waits on the exchange, and a code whose answer was lost is
 * already spent (its retry gets 400, `grant_refused`), so long persistence buys little.
 */
const GRANT_RETRY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 300, maxDelayMs: 3000, maxRetryAfterMs: 5000 };
const PATH = '/oauth2/access_token';
const ENDPOINT = `POST ${PATH}`;

/**
 * The two grants at `POST {baseUrl}/oauth2/access_token` (crm-rest §1.5), JSON as the docs' examples send it.
 * `baseUrl` must come from a validated referer (parse-referer.ts) or AMOCRM_API_BASE_URL: this sends the secret.
 */
export function createOAuthGrant(options: OAuthGrantOptions): OAuthGrant {
  const transport = { fetch: options.fetch, now: options.now, timeoutMs: options.timeoutMs ?? 10_000 };
  const runtime = { sleep: options.sleep ?? realSleep, random: options.random ?? Math.random };
  const policy = options.retry ?? GRANT_RETRY;

  async function grant(baseUrl: string, body: TokenRequest, credential: string): Promise<TokenPair> {
    const checked = safeParse(tokenRequest, body);
    if (!checked.success) {
      // An empty code or refresh token can never be granted; formatIssues names fields, never their values.
      throw new AmocrmError('grant_refused', 'token request does not match the contract; not sent', {
        endpoint: ENDPOINT,
        details: formatIssues(checked.error),
      });
    }
    const secrets = [options.clientSecret, credential];
    return withRetry(
      async () => {
        // Taken before sending, so the expiry we store is never later than amoCRM's own.
        const sentAt = options.now().getTime();
        try {
          const answer = await callAmocrm(transport, {
            method: 'POST',
            baseUrl,
            path: PATH,
            body: checked.data,
            schema: tokenResponse,
            secrets,
          });
          return {
            accessToken: answer.access_token,
            refreshToken: answer.refresh_token,
            accessExpiresAt: sentAt + answer.expires_in * 1000,
          };
        } catch (error) {
          throw refusal(error);
        }
      },
      policy,
      runtime,
    );
  }

  return {
    exchangeCode: (baseUrl, code) =>
      grant(
        baseUrl,
        {
          client_id: options.clientId,
          client_secret: options.clientSecret,
          grant_type: 'authorization_code',
          code,
          redirect_uri: options.redirectUri,
        },
        code,
      ),
    refresh: (baseUrl, refreshToken) =>
      grant(
        baseUrl,
        {
          client_id: options.clientId,
          client_secret: options.clientSecret,
          grant_type: 'refresh_token',
          refresh_token: refreshToken,
          redirect_uri: options.redirectUri,
        },
        refreshToken,
      ),
  };
}

/**
 * The token endpoint answers a dead code, a used refresh token or a redirect_uri mismatch with 400 (crm-rest §1.5,
 * §9.3-4); 401 is a wrong client. Either way this grant will not pass on a later attempt: reauthorization is needed.
 */
function refusal(error: unknown): unknown {
  if (!(error instanceof AmocrmError) || (error.status !== 400 && error.status !== 401)) return error;
  return new AmocrmError('grant_refused', `${error.status}: code or refresh token refused`, {
    endpoint: error.endpoint,
    status: error.status,
    // call.ts already scrubbed these of the secret, the code and the refresh token.
    details: error.details,
  });
}
