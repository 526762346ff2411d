import type { AccountSeed, CodeRecord, TokenPairRecord } from './amocrm-emulator-types';
import { signAccessToken } from './sign-access-token';

/** crm-rest §1.4: a code lives 20 minutes. */
export const CODE_TTL_MS = 20 * 60 * 1000;
/** crm-rest §1.6: a refresh token lives 3 months (taken as 90 days). */
export const REFRESH_TTL_MS = 90 * 24 * 60 * 60 * 1000;

export interface GrantBookOptions {
  readonly clientId: string;
  readonly now: () => Date;
  /** Mints code and refresh-token values and JWT ids. */
  readonly newSecret: () => string;
  /** Signs access tokens; private to the emulator. */
  readonly jwtKey: Buffer;
  readonly accountOf: (accountId: number) => AccountSeed;
  /** Read at every grant: the control API may change it between grants. */
  readonly accessTtlSeconds: () => number;
}

/** Why a grant or a token was refused: `reason` is the stable code (X-Emulator-Reject), `hint` the sentence. */
export interface Refusal {
  readonly ok: false;
  readonly reason: string;
  readonly hint: string;
}

export type Granted = { readonly ok: true; readonly pair: TokenPairRecord };

export interface GrantBook {
  issueCode(accountId: number, userId: number, via: CodeRecord['via']): CodeRecord;
  exchangeCode(code: string): Granted | Refusal;
  refresh(refreshToken: string): Granted | Refusal;
  /** The live pair an access token belongs to, or why it is refused (401). */
  findAccess(accessToken: string): Granted | Refusal;
  /** Uninstall: every code and pair of the account dies. */
  revokeAccount(accountId: number, why: string): void;
  /** Makes live access tokens (of one account, or all) expired now; their refresh tokens still work. */
  expireAccess(accountId?: number): number;
  codes(): readonly CodeRecord[];
  pairs(): readonly TokenPairRecord[];
}

const refuse = (reason: string, hint: string): Refusal => ({ ok: false, reason, hint });

/**
 * The OAuth bookkeeping of the emulator: codes, token pairs, rotation and revocation. No I/O; the clock and the
 * random values are injected, so expiry and reuse are tested without waiting.
 */
export function createGrantBook(options: GrantBookOptions): GrantBook {
  const codes = new Map<string, CodeRecord>();
  const pairs: TokenPairRecord[] = [];
  const byAccess = new Map<string, TokenPairRecord>();
  const byRefresh = new Map<string, TokenPairRecord>();
  const nowMs = () => options.now().getTime();

  function mint(accountId: number, userId: number, parentId?: number): TokenPairRecord {
    const at = nowMs();
    const ttl = options.accessTtlSeconds();
    const account = options.accountOf(accountId);
    const iat = Math.floor(at / 1000);
    const accessToken = signAccessToken(
      {
        aud: options.clientId,
        jti: options.newSecret(),
        iat,
        nbf: iat,
        exp: iat + ttl,
        sub: String(userId),
        account_id: accountId,
        user_id: userId,
        client_uuid: options.clientId,
        api_domain: `api-a.${account.domain}`,
        base_domain: account.domain,
        scopes: ['crm', 'notifications'],
      },
      options.jwtKey,
    );
    const pair: TokenPairRecord = {
      id: pairs.length + 1,
      accountId,
      userId,
      accessToken,
      refreshToken: options.newSecret(),
      issuedAt: at,
      accessExpiresAt: at + ttl * 1000,
      refreshExpiresAt: at + REFRESH_TTL_MS,
      ...(parentId === undefined ? {} : { parentId }),
    };
    pairs.push(pair);
    byAccess.set(pair.accessToken, pair);
    byRefresh.set(pair.refreshToken, pair);
    return pair;
  }

  function revokeLine(pair: TokenPairRecord | undefined, at: number, why: string): void {
    // Walks the rotation chain: a pair rotated from a stolen one is just as stolen.
    for (let current = pair; current; current = current.childId ? pairs[current.childId - 1] : undefined) {
      if (current.revokedAt === undefined) {
        current.revokedAt = at;
        current.revokedWhy = why;
      }
    }
  }

  return {
    issueCode(accountId, userId, via) {
      const at = nowMs();
      const record: CodeRecord = {
        code: options.newSecret(),
        accountId,
        userId,
        issuedAt: at,
        expiresAt: at + CODE_TTL_MS,
        via,
      };
      codes.set(record.code, record);
      return record;
    },

    exchangeCode(code) {
      const record = codes.get(code);
      const at = nowMs();
      if (!record) return refuse('code_unknown', 'Authorization code is unknown');
      if (record.revokedAt !== undefined) return refuse('code_revoked', 'Authorization code has been revoked');
      if (record.usedAt !== undefined) return refuse('code_used', 'Authorization code has already been used');
      if (at >= record.expiresAt) return refuse('code_expired', 'Authorization code has expired');
      record.usedAt = at;
      return { ok: true, pair: mint(record.accountId, record.userId) };
    },

    refresh(refreshToken) {
      const pair = byRefresh.get(refreshToken);
      const at = nowMs();
      if (!pair) return refuse('refresh_unknown', 'Refresh token is unknown');
      if (pair.revokedAt !== undefined) return refuse('refresh_revoked', 'Refresh token has been revoked');
      if (pair.refreshUsedAt !== undefined) {
        // A spent refresh token coming back means two holders: the pair the first use returned is revoked.
        revokeLine(pair.childId ? pairs[pair.childId - 1] : undefined, at, 'refresh token reused');
        return refuse('refresh_reused', 'Refresh token has already been used; the tokens issued from it are revoked');
      }
      if (at >= pair.refreshExpiresAt) return refuse('refresh_expired', 'Refresh token has expired');
      const child = mint(pair.accountId, pair.userId, pair.id);
      pair.refreshUsedAt = at;
      pair.childId = child.id;
      return { ok: true, pair: child };
    },

    findAccess(accessToken) {
      const pair = byAccess.get(accessToken);
      if (!pair) return refuse('token_unknown', 'Access token is unknown');
      if (pair.revokedAt !== undefined) return refuse('token_revoked', 'Access token has been revoked');
      if (nowMs() >= pair.accessExpiresAt) return refuse('token_expired', 'Access token has expired');
      return { ok: true, pair };
    },

    revokeAccount(accountId, why) {
      const at = nowMs();
      for (const code of codes.values()) {
        if (code.accountId === accountId && code.revokedAt === undefined) code.revokedAt = at;
      }
      for (const pair of pairs) {
        if (pair.accountId === accountId && pair.revokedAt === undefined) {
          pair.revokedAt = at;
          pair.revokedWhy = why;
        }
      }
    },

    expireAccess(accountId) {
      const at = nowMs();
      let expired = 0;
      for (const pair of pairs) {
        if (accountId !== undefined && pair.accountId !== accountId) continue;
        if (pair.revokedAt !== undefined || pair.accessExpiresAt <= at) continue;
        pair.accessExpiresAt = at;
        expired += 1;
      }
      return expired;
    },

    codes: () => [...codes.values()],
    pairs: () => pairs,
  };
}
