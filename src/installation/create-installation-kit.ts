import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { accountBaseUrl } from '../amocrm/account-base-url';
import type { AccountDomain } from '../amocrm/account-hosts';
import type { AmocrmClient } from '../amocrm/amocrm-client';
import { createAmocrmClient } from '../amocrm/create-amocrm-client';
import { createOAuthGrant } from '../amocrm/oauth-grant';
import { oauthPopupUrl } from '../amocrm/oauth-popup-url';
import type { FetchLike } from '../egress/fetch-like';
import type { Logger } from '../observability/create-logger';
import type { Database } from '../store/schema';
import type { SecretBox } from '../store/secret-box';
import { createInstallRunner, type InstallRunner } from './create-install-runner';
import { createRefreshSweep, type RefreshSweep } from './create-refresh-sweep';
import { createTokenSource } from './create-token-source';
import { deriveOAuthStateKey, issueOAuthState } from './oauth-state';

export interface InstallationKitOptions {
  db: Kysely<Database>;
  secretBox: SecretBox;
  /** DATA_ENCRYPTION_KEY: the OAuth state's key is derived from it. */
  dataEncryptionKey: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** AMOCRM_API_BASE_URL: every account's OAuth and REST host (sandbox, tests). */
  apiBaseUrl?: string | undefined;
  fetch: FetchLike;
  logger: Logger;
  now?: () => number;
}

export interface InstallationKit {
  client: AmocrmClient;
  install: InstallRunner;
  sweep: RefreshSweep;
  stateKey: Buffer;
  /**
   * amoCRM's access popup for an account, with a fresh single-use state (post_message mode). Its host follows the
   * account's domain, which the widget's token names before any installation exists.
   */
  grantUrl: (accountId: number, lang?: string, domain?: AccountDomain) => string;
}

/**
 * The installation's pieces, wired once: the code grant, the token source (one refresher per account across
 * processes), the REST client on it, the install runner the relay calls, the refresh sweep, and the popup URL.
 */
export function createInstallationKit(options: InstallationKitOptions): InstallationKit {
  const now = options.now ?? Date.now;
  const override = options.apiBaseUrl;
  const grant = createOAuthGrant({
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    redirectUri: options.redirectUri,
    fetch: options.fetch,
    now: () => new Date(now()),
  });
  const tokens = createTokenSource({
    db: options.db,
    secretBox: options.secretBox,
    grant,
    baseUrlOf: (installation) => accountBaseUrl(installation, override),
    now,
    ownerId: randomUUID(),
    logger: options.logger,
  });
  const client = createAmocrmClient({ tokens, fetch: options.fetch });
  const stateKey = deriveOAuthStateKey(options.dataEncryptionKey);
  return {
    client,
    install: createInstallRunner({
      db: options.db,
      secretBox: options.secretBox,
      grant,
      client,
      baseUrlOf: (host) => accountBaseUrl(host, override),
      now,
      logger: options.logger,
    }),
    sweep: createRefreshSweep({ db: options.db, tokens, now, logger: options.logger }),
    stateKey,
    grantUrl: (accountId, lang, domain) =>
      oauthPopupUrl({
        domain: domain ?? 'amocrm.ru',
        clientId: options.clientId,
        state: issueOAuthState({ key: stateKey, accountId, lang, now: now() }),
        mode: 'post_message',
        ...(override === undefined ? {} : { override }),
      }),
  };
}
