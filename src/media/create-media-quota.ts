import type { Kysely } from 'kysely';
import {
  type MediaUsageWindow,
  mediaUsageOf,
  pruneMediaUsage,
  releaseMediaUsage,
  reserveMediaUsage,
  settleMediaUsage,
} from '../store/media-usage-repo';
import type { Database } from '../store/schema';
import { MEDIA_LINK_TTL_MS } from './media-link';

/** How long a mirrored file is kept: a day past the longest life of a link to it (the pruner's cutoff). */
export const MEDIA_KEEP_MS = MEDIA_LINK_TTL_MS + 24 * 60 * 60 * 1000;

/** A download's reservation counts this long at most; downloads time out after a minute, so an older one died. */
const PENDING_MS = 15 * 60 * 1000;

export interface MediaQuota {
  /** MEDIA_QUOTA_BYTES, for the refusal's text. */
  readonly quotaBytes: number;
  /** Reserves `bytes` for file `id` of `accountId`; false when the account's live files leave no room for it. */
  reserve(id: string, accountId: string, bytes: number): Promise<boolean>;
  /** The file is on disk with `bytes`: it counts its real size from now on, until it expires. */
  settle(id: string, bytes: number): Promise<void>;
  /** The download kept nothing: its reservation no longer counts. */
  release(id: string): Promise<void>;
  /** What `accountId`'s live files and downloads take now. */
  usage(accountId: string): Promise<number>;
  /** Forgets files saved before `beforeMs`, as the media store prunes them; returns how many. */
  prune(beforeMs: number): Promise<number>;
}

/**
 * The per-account byte quota over mirrored files still alive (saved within MEDIA_KEEP_MS), kept in the database so
 * that every instance sharing MEDIA_DIR counts the same bytes. Summing the files in MEDIA_DIR instead would read every
 * metadata file on every download, and the files do not say whose they are.
 */
export function createMediaQuota(options: {
  db: Kysely<Database>;
  quotaBytes: number;
  now?: () => number;
}): MediaQuota {
  const { db, quotaBytes } = options;
  const now = options.now ?? Date.now;
  const window = (at: number): MediaUsageWindow => ({ keptSince: at - MEDIA_KEEP_MS, pendingSince: at - PENDING_MS });
  return {
    quotaBytes,
    async reserve(id, accountId, bytes) {
      const at = now();
      return reserveMediaUsage(db, at, { id, accountId, bytes, quotaBytes, ...window(at) });
    },
    settle: (id, bytes) => settleMediaUsage(db, now(), id, bytes),
    release: (id) => releaseMediaUsage(db, id),
    usage: (accountId) => mediaUsageOf(db, accountId, window(now())),
    prune: (beforeMs) => pruneMediaUsage(db, beforeMs),
  };
}
