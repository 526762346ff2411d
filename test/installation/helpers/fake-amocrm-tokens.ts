import type { OAuthGrant, TokenPair } from '../../../src/amocrm/amocrm-client';
import { AmocrmError } from '../../../src/amocrm/amocrm-error';

export const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * amoCRM's token endpoint as the docs describe it (crm-rest §1.6): each refresh returns a new pair and kills the
 * refresh token it used, so a second refresh with the same token is refused (400, `grant_refused`). Only the newest
 * access token works. `hold` delays answers (after the token was spent), to make refreshes overlap.
 */
export function createFakeAmocrmTokens(now: () => number) {
  let issued = 0;
  const liveRefresh = new Set<string>();
  let workingAccess: string | undefined;
  const refreshCalls: string[] = [];
  let failure: AmocrmError | undefined;
  let hold: Promise<void> | undefined;

  const issue = (): TokenPair => {
    issued += 1;
    const pair = {
      accessToken: `access-${issued}`,
      refreshToken: `refresh-${issued}`,
      accessExpiresAt: now() + DAY_MS,
    };
    liveRefresh.add(pair.refreshToken);
    workingAccess = pair.accessToken;
    return pair;
  };

  const grant: OAuthGrant = {
    exchangeCode: async () => issue(),
    async refresh(_baseUrl, refreshToken) {
      refreshCalls.push(refreshToken);
      if (failure) {
        const error = failure;
        failure = undefined;
        throw error;
      }
      const known = liveRefresh.delete(refreshToken);
      const pair = known ? issue() : undefined;
      await hold;
      if (!pair) {
        throw new AmocrmError('grant_refused', 'refresh token used, expired or revoked', {
          endpoint: 'POST /oauth2/access_token',
          status: 400,
        });
      }
      return pair;
    },
  };

  return {
    grant,
    issue,
    /** Refresh tokens presented, in order (a refused one too). */
    refreshCalls,
    /** Whether amoCRM would accept this access token now. */
    works: (accessToken: string) => accessToken === workingAccess,
    /** The admin disabled the integration: every token is revoked. */
    revokeAll() {
      liveRefresh.clear();
      workingAccess = undefined;
    },
    /** The next refresh fails with this, spending nothing. */
    failNext(error: AmocrmError) {
      failure = error;
    },
    /** Holds every refresh answer until the returned function is called. */
    holdAnswers(): () => void {
      let release = () => {};
      hold = new Promise<void>((resolve) => {
        release = resolve;
      });
      return () => {
        hold = undefined;
        release();
      };
    },
  };
}
