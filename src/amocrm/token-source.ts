/** An account's REST origin and a Bearer token for it, as the installation holds them. */
export interface AccountAccess {
  /** `https://<subdomain>.<domain>`, or AMOCRM_API_BASE_URL in the sandbox and tests. */
  baseUrl: string;
  accessToken: string;
}

/**
 * Where the REST client gets its tokens (src/installation/create-token-source.ts over the store; fakes in tests).
 * `access` refreshes ahead of expiry; `refreshAfterUnauthorized` is called once after a 401 with the token that was
 * refused, so two callers refused with the same token cause one refresh, not two. Both throw AmocrmError
 * `grant_refused` when the installation needs reauthorization, and InstallationMissing-style AppErrors are the
 * caller's business.
 */
export interface TokenSource {
  access(accountId: number): Promise<AccountAccess>;
  refreshAfterUnauthorized(accountId: number, refused: string): Promise<AccountAccess>;
}
