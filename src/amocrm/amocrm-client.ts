import type { AccountResponse, UserResponse } from '../contracts/amocrm';
import type { AccountAccess } from './token-source';

/**
 * The amoCRM REST calls the backend makes, one choke point (create-amocrm-client.ts): the account's base URL and
 * Bearer token from a TokenSource, one request queue per account under amoCRM's rate limit, 429 and 5xx retried with
 * backoff, one refresh and retry on a 401, every answer parsed with its contract. Failures are AmocrmError.
 */
export interface AmocrmClient {
  /** GET /api/v4/account?with=amojo_id as the installation's token. */
  account(accountId: number): Promise<AccountResponse>;
  /** GET /api/v4/users/{id}: a 403 is returned as `null` (the installation's token may not read users). */
  user(accountId: number, userId: number): Promise<UserResponse | null>;
  /**
   * The same two calls with a token in hand, before any installation exists (the code exchange of an install). No
   * refresh on a 401 here: a token just granted that is refused is a failed install.
   */
  accountWith(access: AccountAccess): Promise<AccountResponse>;
  userWith(access: AccountAccess, userId: number): Promise<UserResponse | null>;
}

/** The token grants at /oauth2/access_token (oauth-grant.ts). Both refuse with AmocrmError `grant_refused`. */
export interface OAuthGrant {
  /** `baseUrl` is the account's origin from a validated `referer` (or AMOCRM_API_BASE_URL). */
  exchangeCode(baseUrl: string, code: string): Promise<TokenPair>;
  refresh(baseUrl: string, refreshToken: string): Promise<TokenPair>;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  /** Epoch ms: the grant's time plus `expires_in`. */
  accessExpiresAt: number;
}
