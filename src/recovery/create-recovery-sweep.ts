import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { recoverHistoryJob } from '../jobs/recover-history-job';
import type { Logger } from '../observability/create-logger';
import { listRecentChats } from '../store/list-recent-chats';
import { enqueueMany } from '../store/outbox-repo';
import type { Database } from '../store/schema';

const HOUR_MS = 3_600_000;
/**
 * How far before its start a start sweep reads past hooks already held. Several instances share the hooks: while
 * this one was dying, another kept receiving the chat's later hooks, and stopping at those would skip the ones this
 * one lost in its last moments. A held message is passed over, never sent twice, so reading further costs pages only.
 */
const START_LOOKBACK_MS = 10 * 60_000;
/** The start sweep waits this long, so the worker and the webhook are up before a burst of reads. */
const START_DELAY_MS = 1_000;

export interface RecoverySweepOptions {
  db: Kysely<Database>;
  /** HOOK_RECOVERY_WINDOW_HOURS: chats active this recently are read, messages this old are the limit. */
  windowHours: number;
  /** HOOK_RECOVERY_MAX_CHATS: chats queued per sweep at most, most recently active first. */
  maxChats: number;
  /** HOOK_RECOVERY_EVERY_MS: between periodic sweeps; 0 leaves only the start sweep. */
  everyMs: number;
  now?: () => number;
  /** This process's id: the start sweep's slot, so every start reads again (default a random UUID). */
  bootId?: string;
  /** When this process started: hooks held from before it precede the downtime (default: when created). */
  startedAt?: number;
  startDelayMs?: number;
  /** Wakes the worker once jobs were queued. */
  onQueued?: () => void;
  logger?: Logger | undefined;
}

export interface RecoverySweep {
  start(): void;
  /** Stops the timers and waits for a sweep in progress, so the database can be closed right after. */
  stop(): Promise<void>;
  /** One sweep: `start` as the start sweep does, else the periodic one. Returns the jobs newly queued. */
  runOnce(kind?: 'start' | 'periodic'): Promise<number>;
}

/**
 * Queues an `amojo.recover_history` job for each chat active within the window: once soon after the process starts
 * (the hooks amojo sent while it was down are gone, chats-api §1.3) and then every `everyMs` (hooks lost to a failing
 * answer while up, or to another instance's downtime). The periodic job's key holds the time slot, so instances
 * sweeping together queue a chat once; the start sweep's holds the boot id, so a restart always reads. Jobs, not
 * reads: the relay runs them with its leases, retries and per-link cap.
 */
export function createRecoverySweep(options: RecoverySweepOptions): RecoverySweep {
  const { db, everyMs, logger } = options;
  const now = options.now ?? Date.now;
  const bootId = options.bootId ?? randomUUID();
  const startedAt = options.startedAt ?? now();
  const windowMs = options.windowHours * HOUR_MS;
  let startTimer: ReturnType<typeof setTimeout> | undefined;
  let interval: ReturnType<typeof setInterval> | undefined;
  let running: Promise<number> | undefined;

  const sweep = async (kind: 'start' | 'periodic'): Promise<number> => {
    const at = now();
    const since = at - windowMs;
    const chats = await listRecentChats(db, since, options.maxChats);
    // The least recently active chats past the cap wait for a sweep with room; say so, as they may hold missed hooks.
    if (chats.length === options.maxChats) {
      logger?.warn({ kind, maxChats: options.maxChats }, 'amojo history recovery reached HOOK_RECOVERY_MAX_CHATS');
    }
    // The start sweep stops at hooks held from well before this process started; a periodic one at hooks older than
    // the previous sweep, which read what came before them.
    const slot = kind === 'start' ? bootId : Math.floor(at / everyMs);
    const heldBefore = kind === 'start' ? startedAt - START_LOOKBACK_MS : at - everyMs;
    const jobs = chats.map((chat) => recoverHistoryJob({ ...chat, slot, since, heldBefore }));
    const queued = (await enqueueMany(db, jobs, at)).size;
    if (queued > 0) {
      options.onQueued?.();
      logger?.info({ kind, chats: chats.length, queued }, 'amojo history recovery queued');
    }
    return queued;
  };

  // A sweep asked for while one is going joins it: sweeps never overlap.
  const runOnce = (kind: 'start' | 'periodic' = 'periodic'): Promise<number> => {
    if (kind === 'periodic' && everyMs <= 0) return Promise.resolve(0);
    running ??= sweep(kind).finally(() => {
      running = undefined;
    });
    return running;
  };

  const tick = (kind: 'start' | 'periodic') => {
    runOnce(kind).catch((error: unknown) => logger?.error({ err: error }, 'amojo history recovery sweep failed'));
  };

  return {
    start() {
      if (startTimer || interval) return;
      startTimer = setTimeout(() => tick('start'), options.startDelayMs ?? START_DELAY_MS);
      startTimer.unref();
      if (everyMs > 0) {
        interval = setInterval(() => tick('periodic'), everyMs);
        interval.unref();
      }
    },
    async stop() {
      if (startTimer) clearTimeout(startTimer);
      if (interval) clearInterval(interval);
      startTimer = undefined;
      interval = undefined;
      await running?.catch(() => {});
    },
    runOnce,
  };
}
