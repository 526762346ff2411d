import type { Kysely } from 'kysely';
import type { AccountDomain } from '../amocrm/account-hosts';
import type { AmocrmClient } from '../amocrm/amocrm-client';
import { AmocrmError } from '../amocrm/amocrm-error';
import type { LinkInstallation } from '../contracts/link';
import { AppError } from '../http/app-error';
import { findInstallation, type Installation, updateProvenAmojoId } from '../store/installations-repo';
import { normalizeAmojoId } from '../store/normalize-amojo-id';
import type { Database } from '../store/schema';

/** Who is asking: the verified one-time token's account and user (never a request body). */
export interface GuardIdentity {
  accountId: number;
  userId: number;
  /** The widget's UI language, passed on to the grant URL when known. */
  lang?: string;
  /** The account's CRM domain (from the token's `iss`): the access popup's host follows it. */
  domain?: AccountDomain;
}

export interface AccountGuardDeps {
  db: Kysely<Database>;
  client: Pick<AmocrmClient, 'account' | 'user'>;
  /** Epoch milliseconds. */
  now: () => number;
  /** amoCRM's access popup for the account (post_message mode, with a `state` issued for it). */
  grantUrl: (accountId: number, lang?: string, domain?: AccountDomain) => string;
  /** How long a user's admin answer is trusted; a demoted admin keeps the rights at most this long. */
  adminTtlMs?: number;
  /** How long the installation's amojo id is trusted before GET /api/v4/account is read again. */
  amojoTtlMs?: number;
  /** Admin answers kept at most; the oldest go first. */
  maxCached?: number;
}

export interface InstallationView {
  /** What the widget is told (the link contract's `installation`). */
  installation: LinkInstallation;
  /** The stored row, whatever its state; undefined when the account never installed. */
  row: Installation | undefined;
}

export interface AccountGuard {
  installationOf(identity: Pick<GuardIdentity, 'accountId' | 'lang' | 'domain'>): Promise<InstallationView>;
  /** The active installation, or 409 account_not_installed with the grant URL. */
  requireActive(identity: GuardIdentity): Promise<Installation>;
  /** Whether amoCRM reports the user as an admin of the account; cached for `adminTtlMs`. */
  isAdmin(identity: GuardIdentity): Promise<boolean>;
  /** 403 admin_required for anyone else. */
  requireAdmin(identity: GuardIdentity): Promise<void>;
  /** 403 amojo_id_mismatch unless `amojoId` is the chat id amoCRM reports for the account. */
  requireAmojoId(identity: GuardIdentity, installation: Installation, amojoId: string): Promise<void>;
}

export const DEFAULT_ADMIN_TTL_MS = 60_000;
export const DEFAULT_AMOJO_TTL_MS = 60 * 60_000;
export const DEFAULT_MAX_CACHED_ADMINS = 10_000;
/** Seconds the widget is told to wait when amoCRM gave no Retry-After of its own. */
const DEFAULT_RETRY_AFTER_SECONDS = 15;

/**
 * The installation (the account's OAuth grant, held in the store) as the source of truth for the link API: whether
 * the account installed the integration, whether the caller is one of its admins, and which amojo id is the
 * account's. Each is asked of amoCRM with the installation's own token, never taken from the widget.
 */
export function createAccountGuard(deps: AccountGuardDeps): AccountGuard {
  const adminTtlMs = deps.adminTtlMs ?? DEFAULT_ADMIN_TTL_MS;
  const amojoTtlMs = deps.amojoTtlMs ?? DEFAULT_AMOJO_TTL_MS;
  const maxCached = Math.max(1, deps.maxCached ?? DEFAULT_MAX_CACHED_ADMINS);
  // Map keeps insertion order, so the first key is the oldest answer: bounded without an LRU library.
  const admins = new Map<string, { isAdmin: boolean; until: number }>();

  const grantUrlOf = (identity: Pick<GuardIdentity, 'accountId' | 'lang' | 'domain'>) =>
    deps.grantUrl(identity.accountId, identity.lang, identity.domain);
  const notInstalled = (identity: GuardIdentity, cause?: unknown) =>
    new AppError(
      'account_not_installed',
      'The integration has no working access to this amoCRM account; an administrator must grant it again.',
      { grantUrl: grantUrlOf(identity), ...(cause === undefined ? {} : { cause }) },
    );

  /** amoCRM's failures as the widget sees them; `notFound` is what a 404 means to the caller. */
  function failureOf(error: unknown, identity: GuardIdentity): unknown {
    if (!(error instanceof AmocrmError)) return error;
    // The token source refused to refresh (it marked the installation) or the new token was refused too: the grant
    // no longer works, and only an admin granting access again mends it.
    if (error.code === 'grant_refused' || error.code === 'unauthorized') {
      return notInstalled(identity, error);
    }
    return new AppError('channel_unavailable', 'amoCRM could not be reached; try again shortly.', {
      cause: error,
      retryAfter:
        error.retryAfterMs === undefined
          ? DEFAULT_RETRY_AFTER_SECONDS
          : Math.max(1, Math.ceil(error.retryAfterMs / 1000)),
    });
  }

  async function installationOf(
    identity: Pick<GuardIdentity, 'accountId' | 'lang' | 'domain'>,
  ): Promise<InstallationView> {
    const row = (await findInstallation(deps.db, identity.accountId)) ?? undefined;
    const state = row?.state ?? 'missing';
    return {
      installation: state === 'active' ? { state } : { state, grant_url: grantUrlOf(identity) },
      row,
    };
  }

  async function isAdmin(identity: GuardIdentity): Promise<boolean> {
    const key = `${identity.accountId}:${identity.userId}`;
    const now = deps.now();
    const cached = admins.get(key);
    if (cached !== undefined && cached.until > now) return cached.isAdmin;
    let answer: boolean;
    try {
      const user = await deps.client.user(identity.accountId, identity.userId);
      // null: the installation's token may not read users (a 403), which already means it is no admin's.
      answer = user?.rights.is_admin === true;
    } catch (error) {
      // No such user in the account: nobody to grant anything to.
      if (error instanceof AmocrmError && error.code === 'not_found') answer = false;
      else throw failureOf(error, identity);
    }
    admins.delete(key);
    admins.set(key, { isAdmin: answer, until: deps.now() + adminTtlMs });
    while (admins.size > maxCached) {
      const oldest = admins.keys().next().value;
      if (oldest === undefined) break;
      admins.delete(oldest);
    }
    return answer;
  }

  return {
    installationOf,

    async requireActive(identity) {
      const { row } = await installationOf(identity);
      if (row?.state !== 'active') throw notInstalled(identity);
      return row;
    },

    isAdmin,

    async requireAdmin(identity) {
      if (await isAdmin(identity)) return;
      throw new AppError('admin_required', 'Only an administrator of this amoCRM account can change the link.');
    },

    async requireAmojoId(identity, installation, amojoId) {
      let proven = installation.amojoId;
      if (deps.now() - installation.amojoCheckedAt >= amojoTtlMs) {
        // Fail closed: a claim is never judged against an id older than the TTL, even while amoCRM is away.
        const account = await deps.client.account(identity.accountId).catch((error: unknown) => {
          throw failureOf(error, identity);
        });
        proven = normalizeAmojoId(account.amojo_id);
        await updateProvenAmojoId(deps.db, identity.accountId, proven, deps.now());
      }
      if (normalizeAmojoId(amojoId) !== normalizeAmojoId(proven)) {
        throw new AppError(
          'amojo_id_mismatch',
          'This amoCRM chat account id is not the one amoCRM reports for this account.',
        );
      }
    },
  };
}
