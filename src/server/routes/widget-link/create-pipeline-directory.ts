import type { AmocrmClient } from '../../../amocrm/amocrm-client';
import type { AmocrmPipeline } from '../../../contracts/amocrm';
import type { PipelineOption } from '../../../contracts/link';

export interface PipelineDirectory {
  /**
   * The account's active pipelines, the main one first, then in amoCRM's own order (`sort`). Served from memory for
   * `ttlMs` after amoCRM answered, unless `fresh`; calls that overlap share one request. Rejects with AmocrmError.
   */
  list(accountId: number, options?: { fresh?: boolean }): Promise<PipelineOption[]>;
}

interface Entry {
  /** Epoch ms; infinite while amoCRM has not answered, so callers in that time share the request. */
  until: number;
  pipelines: Promise<PipelineOption[]>;
}

/**
 * amoCRM's pipelines as the panel offers them. The panel opens the list each time the settings open and every number
 * validates its pipeline against it, while pipelines change rarely: a minute in memory spares amoCRM's rate limit
 * (7 requests a second per account) without leaving a renamed pipeline stale for long. A failure is not kept.
 */
export function createPipelineDirectory(deps: {
  client: Pick<AmocrmClient, 'pipelines'>;
  /** Epoch ms. */
  now: () => number;
  ttlMs: number;
  /** Accounts kept at most; the oldest answers go first. */
  maxAccounts: number;
}): PipelineDirectory {
  // Map keeps insertion order, so the first key is the oldest answer.
  const entries = new Map<number, Entry>();

  return {
    async list(accountId, options = {}) {
      const cached = entries.get(accountId);
      if (!options.fresh && cached !== undefined && cached.until > deps.now()) return cached.pipelines;
      const entry: Entry = {
        until: Number.POSITIVE_INFINITY,
        pipelines: deps.client.pipelines(accountId).then(activePipelinesOf),
      };
      entries.delete(accountId);
      entries.set(accountId, entry);
      while (entries.size > Math.max(1, deps.maxAccounts)) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
      try {
        const pipelines = await entry.pipelines;
        entry.until = deps.now() + deps.ttlMs;
        return pipelines;
      } catch (error) {
        if (entries.get(accountId) === entry) entries.delete(accountId);
        throw error;
      }
    },
  };
}

/** Archived pipelines take no new leads, so a number cannot be routed to one. */
function activePipelinesOf(pipelines: readonly AmocrmPipeline[]): PipelineOption[] {
  return pipelines
    .filter((pipeline) => !pipeline.is_archive)
    .sort(
      (a, b) =>
        Number(b.is_main) - Number(a.is_main) ||
        (a.sort ?? Number.MAX_SAFE_INTEGER) - (b.sort ?? Number.MAX_SAFE_INTEGER) ||
        a.id - b.id,
    )
    .map((pipeline) => ({ id: pipeline.id, name: pipeline.name, is_main: pipeline.is_main }));
}
