import type { Kysely } from 'kysely';
import type { Logger } from '../observability/create-logger';
import { errorCodeOf } from '../observability/error-code-of';
import { listInstallationsDueForRefresh } from '../store/installations-repo';
import type { Database } from '../store/schema';
import type { RefreshOutcome } from './create-token-source';

export interface RefreshSweepOptions {
  db: Kysely<Database>;
  tokens: { refreshIfDue(accountId: number, aheadMs?: number): Promise<RefreshOutcome> };
  now?: () => number;
  /** Between runs (default 10 min). */
  intervalMs?: number;
  /** Tokens expiring within this are refreshed (default 2 h): well before `access` would have to, on a request. */
  aheadMs?: number;
  /** Installations per run at most (default 50): a backlog is worked off over the next runs, soonest first. */
  batch?: number;
  logger?: Logger | undefined;
}

export interface RefreshSweepResult {
  refreshed: number;
  refused: number;
  failed: number;
}

export interface RefreshSweep {
  start(): void;
  /** Stops the timer and waits for a run in progress, so the database can be closed right after. */
  stop(): Promise<void>;
  runOnce(): Promise<RefreshSweepResult>;
}

/**
 * Refreshes access tokens ahead of expiry, account after account. Besides sparing requests the wait for a refresh,
 * it keeps the refresh tokens of quiet accounts alive: one unused for 3 months is revoked (crm-rest §1.6, §9.2). A
 * failure of one account is logged and the run goes on; the token source's lease makes it safe beside requests and
 * other instances refreshing the same account.
 */
export function createRefreshSweep(options: RefreshSweepOptions): RefreshSweep {
  const { db, tokens, logger } = options;
  const now = options.now ?? Date.now;
  const intervalMs = options.intervalMs ?? 10 * 60 * 1000;
  const aheadMs = options.aheadMs ?? 2 * 60 * 60 * 1000;
  const batch = options.batch ?? 50;
  let timer: ReturnType<typeof setInterval> | undefined;
  let running: Promise<RefreshSweepResult> | undefined;

  const sweep = async (): Promise<RefreshSweepResult> => {
    const result: RefreshSweepResult = { refreshed: 0, refused: 0, failed: 0 };
    const due = await listInstallationsDueForRefresh(db, now() + aheadMs, batch);
    for (const installation of due) {
      const { accountId } = installation;
      try {
        const outcome = await tokens.refreshIfDue(accountId, aheadMs);
        if (outcome === 'refreshed') result.refreshed += 1;
        if (outcome === 'refused') result.refused += 1;
      } catch (error) {
        result.failed += 1;
        logger?.warn(
          { accountId, code: errorCodeOf(error) },
          'amoCRM token refresh failed; the next sweep tries again',
        );
      }
    }
    if (due.length > 0) logger?.info(result, 'amoCRM token refresh sweep');
    return result;
  };

  // A run asked for while one is going (a tick, or runOnce from a test or a command) joins it: runs never overlap.
  const runOnce = (): Promise<RefreshSweepResult> => {
    running ??= sweep().finally(() => {
      running = undefined;
    });
    return running;
  };

  const tick = () => {
    runOnce().catch((error: unknown) => logger?.error({ err: error }, 'amoCRM token refresh sweep failed'));
  };

  return {
    start() {
      if (timer) return;
      tick();
      timer = setInterval(tick, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running?.catch(() => {});
    },
    runOnce,
  };
}
