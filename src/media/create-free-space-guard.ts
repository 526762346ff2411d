import { statfs as fsStatfs } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The fields of fs.statfs this guard reads; injected so tests can simulate a full disk. */
export type StatFs = (
  path: string,
) => Promise<{ bavail: number | bigint; bsize: number | bigint; blocks: number | bigint }>;

/** Unless MEDIA_MIN_FREE_BYTES says otherwise: keep at least 1 GiB, or 5% of the filesystem when that is more. */
export const DEFAULT_MIN_FREE_BYTES = 1024 * 1024 * 1024;
export const DEFAULT_MIN_FREE_SHARE = 0.05;

export interface FreeSpaceGuard {
  /**
   * Room for `bytes` more on MEDIA_DIR's filesystem, keeping the reserve free: a function to call once the write is
   * over (saved or not), or null when the file must be refused.
   */
  admit(bytes: number): Promise<(() => void) | null>;
}

/**
 * Refuses new media before MEDIA_DIR's filesystem runs short, since SQLite (./data by default) usually lives on it:
 * a full disk would fail webhook writes, and amojo never resends a hook answered 500. statfs is asked at most once
 * per `cacheMs`; downloads admitted since are subtracted meanwhile, so a burst cannot overshoot the reserve.
 */
export function createFreeSpaceGuard(options: {
  dir: string;
  /** MEDIA_MIN_FREE_BYTES; unset: the larger of 1 GiB and 5% of the filesystem. */
  minFreeBytes?: number | undefined;
  statfs?: StatFs;
  now?: () => number;
  /** How long one statfs answer is trusted (default 5 s). */
  cacheMs?: number;
}): FreeSpaceGuard {
  const statfs = options.statfs ?? fsStatfs;
  const now = options.now ?? Date.now;
  const cacheMs = options.cacheMs ?? 5000;
  let cached: { at: number; free: number; total: number } | undefined;
  let inFlight = 0;

  // MEDIA_DIR may not exist yet (the store creates it on the first save): its nearest existing parent is on the
  // same filesystem, or at worst on the one that will hold it.
  async function measure() {
    for (let path = options.dir; ; path = dirname(path)) {
      try {
        const stats = await statfs(path);
        const bsize = Number(stats.bsize);
        return { at: now(), free: Number(stats.bavail) * bsize, total: Number(stats.blocks) * bsize };
      } catch (error) {
        if (dirname(path) === path) throw error;
      }
    }
  }

  return {
    async admit(bytes) {
      if (cached === undefined || now() - cached.at >= cacheMs || now() < cached.at) {
        // Downloads still running are partly in the new measure and counted in full on top: safe, if strict.
        cached = await measure();
      }
      const reserve =
        options.minFreeBytes ?? Math.max(DEFAULT_MIN_FREE_BYTES, Math.ceil(cached.total * DEFAULT_MIN_FREE_SHARE));
      if (cached.free - inFlight - bytes < reserve) return null;
      inFlight += bytes;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        inFlight -= bytes;
      };
    },
  };
}
