import type { Kysely } from 'kysely';
import type { MediaStore } from '../media/create-media-store';
import { MEDIA_LINK_TTL_MS } from '../media/media-link';
import type { Logger } from '../observability/create-logger';
import { findHooksStillNeeded } from '../store/find-hooks-still-needed';
import { pruneInboxExcept } from '../store/inbox-repo';
import { pruneCompleted } from '../store/outbox-repo';
import { type ExpiredCounts, pruneExpired } from '../store/prune-expired';
import type { Database } from '../store/schema';
import { pruneTokenIds } from '../store/token-ids-repo';

const DAY_MS = 24 * 60 * 60 * 1000;

export interface PrunerOptions {
  db: Kysely<Database>;
  now?: () => number;
  /** Between runs (default 1 h). */
  intervalMs?: number;
  /** Done outbox jobs are kept this long after completion (default 7 days): their idempotency keys dedupe retries. */
  doneRetentionMs?: number;
  /**
   * Hooks are remembered this long (default 30 days). Must stay far beyond the webhook's hook time window (24 h):
   * a hook older than the window is refused at the door, so only then is forgetting its dedupe key safe.
   */
  inboxRetentionMs?: number;
  /**
   * RETENTION_DAYS (default 90): dead jobs, messages, conversations and participants with no activity for this long
   * go, in small batches. Hooks are kept no longer than this either (nor than `inboxRetentionMs`).
   */
  retentionMs?: number;
  /** Rows per statement when pruning what RETENTION_DAYS allows (default 500). */
  batchSize?: number;
  /** Mirrored files, kept a day past the longest life of a link to them. */
  media?: Pick<MediaStore, 'prune'>;
  logger?: Logger;
}

export interface PruneResult extends ExpiredCounts {
  jobs: number;
  inbox: number;
  media: number;
  /** Used one-time token ids whose tokens have expired. */
  tokens: number;
}

export interface Pruner {
  start(): void;
  /** Stops the timer and waits for a run in progress, so the database can be closed right after. */
  stop(): Promise<void>;
  runOnce(): Promise<PruneResult>;
}

/**
 * Keeps the stores from growing without bound: old done jobs go; what RETENTION_DAYS allows goes (pruneExpired);
 * old hooks go unless a bridge.deliver job that is not done (pending, leased, or dead and waiting for a replay)
 * still reads its hook from the inbox; mirrored files go after their links expired; used token ids go once their
 * tokens expired.
 */
export function createPruner(options: PrunerOptions): Pruner {
  const { db, logger } = options;
  const now = options.now ?? Date.now;
  const intervalMs = options.intervalMs ?? 60 * 60 * 1000;
  const doneRetentionMs = options.doneRetentionMs ?? 7 * DAY_MS;
  const retentionMs = options.retentionMs ?? 90 * DAY_MS;
  // A hook holds the message text: it never outlives RETENTION_DAYS, which config keeps far above the 24 h window.
  const inboxRetentionMs = Math.min(options.inboxRetentionMs ?? 30 * DAY_MS, retentionMs);
  let timer: ReturnType<typeof setInterval> | undefined;
  let running: Promise<PruneResult> | undefined;

  const runOnce = async (): Promise<PruneResult> => {
    const at = now();
    const jobs = await pruneCompleted(db, at - doneRetentionMs);
    // Before the hooks: a dead bridge.deliver job past the retention no longer keeps its hook.
    const expired = await pruneExpired(db, { before: at - retentionMs, batchSize: options.batchSize });
    // Asked per page of old hooks rather than collected up front: the pass then costs the old hooks it reads, not the
    // delivery backlog and dead letters as well.
    const inbox = await pruneInboxExcept(db, at - inboxRetentionMs, (keys) => findHooksStillNeeded(db, keys));
    const media = (await options.media?.prune(at - MEDIA_LINK_TTL_MS - DAY_MS)) ?? 0;
    const tokens = await pruneTokenIds(db, at);
    const pruned = { jobs, inbox, media, tokens, ...expired };
    if (Object.values(pruned).some((n) => n > 0)) logger?.info(pruned, 'pruned old and expired rows, hooks and media');
    return pruned;
  };

  const tick = () => {
    if (running) return;
    running = runOnce();
    running
      .catch((error: unknown) => logger?.error({ err: error }, 'pruning failed'))
      .finally(() => {
        running = undefined;
      });
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
