import type { AmocrmClient } from '../../src/amocrm/amocrm-client';
import { AmocrmError, type AmocrmErrorCode } from '../../src/amocrm/amocrm-error';
import type { AccountAccess } from '../../src/amocrm/token-source';
import type { AccountResponse, UserResponse } from '../../src/contracts/amocrm';

/** One account as the fake amoCRM knows it. */
export interface FakeAccount {
  subdomain: string;
  amojoId: string;
  /** Users with `rights.is_admin: true`. */
  admins?: number[];
  /** Users without admin rights; any other user id is unknown to the account (404). */
  managers?: number[];
  /** The user the installation's token acts as (`current_user_id`); the first admin by default. */
  currentUserId?: number;
  /** The installation's token may not read users: `user()` answers null, as amoCRM's 403 is read. */
  usersForbidden?: boolean;
  /** The token `accountWith`/`userWith` accept for this account; `access-<account id>` by default. */
  accessToken?: string;
}

export type FakeMethod = 'account' | 'user';

export interface FakeFailure {
  code: AmocrmErrorCode;
  /** Only this call fails; both by default. */
  method?: FakeMethod;
  /** How many calls fail before the account answers again; every one by default. */
  times?: number;
  retryAfterMs?: number;
}

export interface FakeCall {
  method: FakeMethod;
  accountId: number;
  userId?: number;
}

export type FakeAmocrmClient = ReturnType<typeof createFakeAmocrmClient>;

/**
 * An AmocrmClient over a table of accounts: each has its amojo id, its admins and managers, and queued failures.
 * Answers are parsed shapes as the real client returns them; every call is recorded, so a test can say that amoCRM
 * was (or was not) asked.
 */
export function createFakeAmocrmClient(accounts: Record<number, FakeAccount> = {}) {
  const table = new Map<number, FakeAccount>(Object.entries(accounts).map(([id, account]) => [Number(id), account]));
  const failures = new Map<number, FakeFailure[]>();
  const calls: FakeCall[] = [];

  function known(accountId: number, endpoint: string): FakeAccount {
    const account = table.get(accountId);
    if (account === undefined) throw new AmocrmError('not_found', 'no such account', { endpoint, status: 404 });
    return account;
  }

  function failIfQueued(accountId: number, method: FakeMethod, endpoint: string): void {
    const queue = failures.get(accountId) ?? [];
    const failure = queue.find((f) => f.method === undefined || f.method === method);
    if (failure === undefined) return;
    if (failure.times !== undefined) {
      failure.times -= 1;
      if (failure.times <= 0) queue.splice(queue.indexOf(failure), 1);
    }
    throw new AmocrmError(failure.code, `fake failure ${failure.code}`, {
      endpoint,
      ...(failure.retryAfterMs === undefined ? {} : { retryAfterMs: failure.retryAfterMs }),
    });
  }

  function accountOf(accountId: number): AccountResponse {
    const endpoint = 'GET /api/v4/account';
    failIfQueued(accountId, 'account', endpoint);
    const account = known(accountId, endpoint);
    return {
      id: accountId,
      subdomain: account.subdomain,
      current_user_id: account.currentUserId ?? account.admins?.[0] ?? 1,
      amojo_id: account.amojoId,
    };
  }

  function userOf(accountId: number, userId: number): UserResponse | null {
    const endpoint = 'GET /api/v4/users/{id}';
    failIfQueued(accountId, 'user', endpoint);
    const account = known(accountId, endpoint);
    if (account.usersForbidden) return null;
    if (account.admins?.includes(userId)) return { id: userId, rights: { is_admin: true } };
    if (account.managers?.includes(userId)) return { id: userId, rights: { is_admin: false } };
    throw new AmocrmError('not_found', 'no such user', { endpoint, status: 404 });
  }

  function accountIdOf(access: AccountAccess): number {
    for (const [id, account] of table) {
      if ((account.accessToken ?? `access-${id}`) === access.accessToken) return id;
    }
    throw new AmocrmError('unauthorized', 'unknown token', { endpoint: 'GET /api/v4/account', status: 401 });
  }

  const client: AmocrmClient = {
    async account(accountId) {
      calls.push({ method: 'account', accountId });
      return accountOf(accountId);
    },
    async user(accountId, userId) {
      calls.push({ method: 'user', accountId, userId });
      return userOf(accountId, userId);
    },
    async accountWith(access) {
      const accountId = accountIdOf(access);
      calls.push({ method: 'account', accountId });
      return accountOf(accountId);
    },
    async userWith(access, userId) {
      const accountId = accountIdOf(access);
      calls.push({ method: 'user', accountId, userId });
      return userOf(accountId, userId);
    },
  };

  return {
    client,
    calls,
    /** Adds an account, or changes what amoCRM reports for one (a new amojo id, a demoted admin). */
    setAccount(accountId: number, patch: Partial<FakeAccount>): void {
      const current = table.get(accountId);
      table.set(accountId, { subdomain: 'account', amojoId: '', ...current, ...patch });
    },
    /** Queues a failure for the account's next calls. */
    fail(accountId: number, failure: FakeFailure): void {
      failures.set(accountId, [...(failures.get(accountId) ?? []), { ...failure }]);
    },
    /** The calls of one kind made so far. */
    callsOf(method: FakeMethod): FakeCall[] {
      return calls.filter((call) => call.method === method);
    },
  };
}
