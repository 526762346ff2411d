import type {
  AccountResponse,
  AmocrmChatBinding,
  AmocrmContact,
  AmocrmPipeline,
  AmocrmSource,
  SourceInput,
  UserResponse,
} from '../contracts/amocrm';
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

  /**
   * GET /api/v4/sources, filtered by `external_id` when ids are given: the integration's own sources only. amoCRM's
   * 204 (none, or no match) is `[]`, and so is an empty `externalIds` (nothing is sent).
   */
  sources(accountId: number, externalIds?: readonly string[]): Promise<AmocrmSource[]>;
  /**
   * POST /api/v4/sources with one source; amoCRM's 400 (the 101st, a taken external_id) is `invalid_request`, its
   * message naming amoCRM's codes. Retried only on a 429: after a timeout or 5xx the source may exist, so the caller
   * looks it up by external_id before creating again. `pipeline_id: null` is left out (amoCRM picks its main one).
   */
  createSource(accountId: number, input: SourceInput): Promise<AmocrmSource>;
  /**
   * PATCH /api/v4/sources/{id}: name and pipeline only (`external_id` is immutable). `pipeline_id: null` means the
   * main pipeline, whose id is read first (GET pipelines). A source gone from amoCRM is `not_found`.
   */
  updateSource(
    accountId: number,
    sourceId: number,
    patch: Pick<SourceInput, 'name' | 'pipeline_id'>,
  ): Promise<AmocrmSource>;
  /** DELETE /api/v4/sources/{id}: 204; a 404 (already gone) also resolves, since gone is the goal. */
  deleteSource(accountId: number, sourceId: number): Promise<void>;
  /** GET /api/v4/leads/pipelines, every pipeline as amoCRM lists them (archived ones too; callers filter). */
  pipelines(accountId: number): Promise<AmocrmPipeline[]>;
  /** GET /api/v4/contacts?query=…: amoCRM's 204 (nothing found) is `[]`. At most `limit` (default 50) contacts. */
  findContacts(accountId: number, query: string, limit?: number): Promise<AmocrmContact[]>;
  /** POST /api/v4/contacts/chats with one binding: the amojo chat (amoCRM's chat UUID) to the contact. */
  bindChatToContact(accountId: number, chatId: string, contactId: number): Promise<AmocrmChatBinding>;
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
