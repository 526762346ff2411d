import type { Kysely } from 'kysely';
import { type AccountHost, parseAccountHost } from '../amocrm/account-hosts';
import type { AmocrmClient, OAuthGrant } from '../amocrm/amocrm-client';
import { sourceSyncJob } from '../jobs/amocrm-jobs';
import { connectLinkJob } from '../jobs/link-connection-jobs';
import type { Logger } from '../observability/create-logger';
import { findInstallation, type Installation, recordInstallation } from '../store/installations-repo';
import { listAccountLinks, setAccountLinksParked } from '../store/links-repo';
import { normalizeAmojoId } from '../store/normalize-amojo-id';
import { enqueue, unparkLinkJobs } from '../store/outbox-repo';
import type { Database } from '../store/schema';
import type { SecretBox } from '../store/secret-box';
import { InstallRefused } from './install-refused';
import { sealTokens } from './installation-tokens';

export interface InstallDeps {
  db: Kysely<Database>;
  secretBox: SecretBox;
  grant: OAuthGrant;
  client: Pick<AmocrmClient, 'accountWith' | 'userWith'>;
  /** The account's REST origin: `https://<subdomain>.<domain>`, or AMOCRM_API_BASE_URL (accountBaseUrl). */
  baseUrlOf: (host: AccountHost) => string;
  now: () => number;
  logger?: Logger | undefined;
}

export interface InstallInput {
  /** From a `referer` that passed parseReferer: the code exchange sends our client secret to this host only. */
  host: AccountHost;
  code: string;
  /** From a verified `state`: the access popup was opened for this account, so the grant must be for it. */
  expectedAccountId?: number | undefined;
  /** When the code reached us; a removal recorded later wins (a queued install must not undo a newer removal). */
  receivedAt?: number | undefined;
}

export interface InstallResult {
  installation: Installation;
  /** The account's PRIMARY link, when it was queued for a reconnect at amojo (an install after a removal). */
  reconnectedLinkId?: string | undefined;
  /** Every live link queued for a reconnect, primary first (empty when none was). */
  reconnectedLinkIds: string[];
  /** The live links queued for a source sync (their source is not `synced`), primary first. */
  sourceSyncLinkIds: string[];
}

/**
 * An install (or a grant from the access popup): the code is exchanged at the referer's host, and amoCRM, not the
 * request, says which account it is, its amojo id and who granted. Only an admin's grant is recorded: a manager's
 * token cannot read users, so it could never tell who may change the link (crm-rest §9.11), and it must not replace
 * an admin's. The installation, the unparked jobs and the reconnect job commit together, so a crash leaves either
 * the old state or all of the new one; the new pair is stored before anything uses it.
 */
export async function installAccount(deps: InstallDeps, input: InstallInput): Promise<InstallResult> {
  const grantBase = deps.baseUrlOf(input.host);
  const pair = await deps.grant.exchangeCode(grantBase, input.code);
  const access = { baseUrl: grantBase, accessToken: pair.accessToken };
  const account = await deps.client.accountWith(access);
  if (input.expectedAccountId !== undefined && account.id !== input.expectedAccountId) {
    throw new InstallRefused('account_mismatch');
  }
  const user = await deps.client.userWith(access, account.current_user_id);
  if (user?.rights.is_admin !== true) throw new InstallRefused('not_admin');

  // amoCRM's word for the subdomain, when it is a host label at all: the refresh grant and every REST call go to
  // `<subdomain>.<domain>`, so nothing but a valid account host may become part of that address.
  const named = parseAccountHost(`${account.subdomain}.${input.host.domain}`);
  const now = deps.now();
  const result = await deps.db.transaction().execute(async (trx) => {
    const previous = await findInstallation(trx, account.id);
    if (input.receivedAt !== undefined && previous?.removedAt != null && previous.removedAt > input.receivedAt) {
      throw new InstallRefused('superseded');
    }
    const installation = await recordInstallation(
      trx,
      {
        accountId: account.id,
        subdomain: named?.subdomain ?? input.host.subdomain,
        domain: input.host.domain,
        region: input.host.region,
        amojoId: normalizeAmojoId(account.amojo_id),
        installedBy: account.current_user_id,
        tokens: sealTokens(deps.secretBox, account.id, pair),
      },
      now,
    );
    const links = await listAccountLinks(trx, account.id);
    const none = { installation, reconnectedLinkIds: [], sourceSyncLinkIds: [] };
    if (links.length === 0) return none;
    // Every link of the account was parked together (uninstallAccount); each one's jobs come back.
    if (links.some((link) => link.parkedAt !== null)) {
      await setAccountLinksParked(trx, account.id, false, now);
      for (const link of links) if (link.parkedAt !== null) await unparkLinkJobs(trx, link.id, now);
    }
    // A link bound to another amojo id (a claim from before installations were checked) is not reconnected: the
    // operator releases it (npm run accounts -- release-amojo). All links of an account share its amojo id.
    const live = links.filter((link) => link.scopeId !== null && link.amojoId === installation.amojoId);
    if (live.length === 0) return none;
    // Each live link gets its connect (amojo's is idempotent per scope, and the handler reads each link's settings)
    // and, unless amoCRM already holds its source as the link says, a source sync: the grant it waited for is here.
    for (const link of live) await enqueue(trx, connectLinkJob(link.id, now), now);
    const unsynced = live.filter((link) => link.sourceState !== 'synced');
    for (const link of unsynced) await enqueue(trx, sourceSyncJob(link.id, now), now);
    return {
      installation,
      reconnectedLinkId: live[0]?.id,
      reconnectedLinkIds: live.map((link) => link.id),
      sourceSyncLinkIds: unsynced.map((link) => link.id),
    };
  });
  deps.logger?.info(
    {
      accountId: account.id,
      linkIds: result.reconnectedLinkIds,
      sourceSyncs: result.sourceSyncLinkIds.length,
      installedBy: account.current_user_id,
    },
    'account installed',
  );
  return result;
}
