import type { AmocrmClient } from '../amocrm/amocrm-client';
import { AmocrmError } from '../amocrm/amocrm-error';
import type { AmocrmSource } from '../contracts/amocrm';
import type { RelayJob } from '../jobs/relay-jobs';
import { type Link, type LinkSourceBasis, setLinkSource } from '../store/links-repo';
import type { JobEffect } from './job-effect';
import type { JobResult } from './job-handler';
import { LINK_PARKED } from './live-link';
import type { RelayDeps } from './relay-deps';
import { RelayJobError } from './relay-job-error';

type SourceState = Link['sourceState'];

/**
 * Makes the link's amoCRM source match the link as it is now (the job says only which link). A live link gets its
 * source found by `external_id` (our link id) or created, then renamed or moved to the link's pipeline when they
 * differ; an unlinked one gets it deleted (found by `external_id` when no id is stored). Looking up before creating
 * makes a retry after a lost answer find the source the first attempt created instead of being refused for a taken
 * `external_id`. For a live link amoCRM's 400 (the account's sources used up, an invalid pipeline) is final and shown
 * on the panel; anything else is retried by the outbox, and marks the source failed only once the job gives up. A
 * deletion is never final: a source left at amoCRM holds one of the account's 100, so a refused one is retried like
 * any failure (and the startup sweep queues it again once the job gave up). What the job learns is stored only while
 * the link is as it read it (setLinkSource's basis): a change made meanwhile queued its own sync.
 */
export async function handleSourceSync(
  deps: RelayDeps,
  job: Extract<RelayJob, { kind: 'amocrm.sync_source' }>,
): Promise<JobResult> {
  const link = await deps.links.fresh(job.linkId);
  if (!link) return { outcome: 'skipped' };
  if (!deps.amocrm) throw new RelayJobError('amocrm_unavailable', { retryable: false });
  // A removed installation leaves no token to call amoCRM with: the job waits with the link's other jobs.
  if (link.parkedAt !== null) throw new RelayJobError(LINK_PARKED, { retryable: true });
  try {
    return link.scopeId === null ? await removeSource(deps.amocrm, link) : await placeSource(deps.amocrm, link);
  } catch (error) {
    if (!(error instanceof AmocrmError)) throw error;
    const removing = link.scopeId === null;
    if (error.code === 'invalid_request' && !removing) {
      return { outcome: 'failed', effects: stored(link, link.sourceId, 'failed', sourceErrorOf(error)) };
    }
    throw new RelayJobError(`amocrm_${error.code}`, {
      retryable: error.retryable || (removing && error.code === 'invalid_request'),
      retryAfterMs: error.retryAfterMs,
      onDead: stored(link, link.sourceId, 'failed', removing ? sourceErrorOf(error) : `amocrm_${error.code}`),
      cause: error,
    });
  }
}

async function placeSource(amocrm: AmocrmClient, link: Link): Promise<JobResult> {
  const found = await amocrm.sources(link.accountId, [link.id]);
  const source = pickOwn(found, link);
  if (source === undefined) {
    const created = await amocrm.createSource(link.accountId, {
      name: link.title,
      external_id: link.id,
      pipeline_id: link.pipelineId,
    });
    return { outcome: 'created', effects: stored(link, created.id, 'synced', null) };
  }
  const pipelineId = await wantedPipelineId(amocrm, link, source);
  if (source.name === link.title && (source.pipeline_id ?? null) === pipelineId) {
    return { outcome: 'unchanged', effects: stored(link, source.id, 'synced', null) };
  }
  await amocrm.updateSource(link.accountId, source.id, { name: link.title, pipeline_id: pipelineId });
  return { outcome: 'updated', effects: stored(link, source.id, 'synced', null) };
}

/**
 * The pipeline the source belongs in. A null pipeline is amoCRM's main one, whose id is read only when the source
 * sits in some pipeline, so a link moved back to the main pipeline moves its source back too. A source without one,
 * or an account whose pipelines name no main one, leaves amoCRM's choice as it is.
 */
async function wantedPipelineId(amocrm: AmocrmClient, link: Link, source: AmocrmSource): Promise<number | null> {
  if (link.pipelineId !== null) return link.pipelineId;
  const current = source.pipeline_id ?? null;
  if (current === null) return null;
  const main = (await amocrm.pipelines(link.accountId)).find((pipeline) => pipeline.is_main);
  return main?.id ?? current;
}

async function removeSource(amocrm: AmocrmClient, link: Link): Promise<JobResult> {
  // No stored id: an attempt may still have created one whose answer was lost before the unlink, and an orphan
  // would hold one of the account's 100 sources for good. One look by external_id settles it.
  const ids =
    link.sourceId !== null
      ? [link.sourceId]
      : (await amocrm.sources(link.accountId, [link.id])).filter((s) => s.external_id === link.id).map((s) => s.id);
  if (ids.length === 0) return { outcome: 'skipped' };
  for (const id of ids) {
    try {
      await amocrm.deleteSource(link.accountId, id);
    } catch (error) {
      // Gone is what we wanted (the client says so too; an admin may have deleted it by hand).
      if (!(error instanceof AmocrmError && error.code === 'not_found')) throw error;
    }
  }
  // Pending again: should the link come back live, the next sync creates a source for it afresh.
  return { outcome: 'deleted', effects: stored(link, null, 'pending', null) };
}

/**
 * Ours among what the filter returned: the stored id first, else any with our `external_id`. The equality check
 * keeps an ignored filter (an amoCRM change, an emulator gap) from making another source ours.
 */
function pickOwn(sources: readonly AmocrmSource[], link: Link): AmocrmSource | undefined {
  const own = sources.filter((s) => s.external_id === link.id);
  return own.find((s) => s.id === link.sourceId) ?? own[0];
}

function stored(link: Link, sourceId: number | null, sourceState: SourceState, sourceError: string | null) {
  const basis: LinkSourceBasis = { title: link.title, pipelineId: link.pipelineId, scopeId: link.scopeId };
  const effect: JobEffect = (trx, now) =>
    setLinkSource(trx, link.id, { sourceId, sourceState, sourceError }, now, basis);
  return effect;
}

/**
 * A short reason for the panel: our code, then amoCRM's first validation error (`code path: detail`) when its
 * problem body has one. amoCRM's body carries no secrets; the length is capped all the same.
 */
function sourceErrorOf(error: AmocrmError): string {
  const first = firstValidationError(error.details);
  const reason = first === undefined ? '' : `: ${first}`;
  return `amocrm_${error.code}${reason}`.slice(0, 300);
}

function firstValidationError(details: unknown): string | undefined {
  if (typeof details !== 'object' || details === null) return undefined;
  const body = details as Record<string, unknown>;
  // Sources answer `validation-errors` on create and `errors` on a batch delete (crm-rest.md §§4.2, 7).
  const groups = body['validation-errors'] ?? body.errors;
  if (!Array.isArray(groups)) return typeof body.detail === 'string' ? body.detail : undefined;
  for (const group of groups) {
    const errors = (group as { errors?: unknown } | null)?.errors;
    const list = Array.isArray(errors) ? errors : [errors];
    for (const item of list) {
      if (typeof item !== 'object' || item === null) continue;
      const { code, path, detail } = item as Record<string, unknown>;
      const parts = [code, path].filter((p): p is string => typeof p === 'string').join(' ');
      if (parts === '' && typeof detail !== 'string') continue;
      return typeof detail === 'string' ? `${parts}${parts === '' ? '' : ': '}${detail}` : parts;
    }
  }
  return undefined;
}
