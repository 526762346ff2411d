import type { PageAmocrm } from './amocrm-page-options';
import type { LeadSourcesView } from './page-types';

/**
 * The account's active pipelines (main first, then by sort, as amoCRM lists them) and the integration's live
 * sources, from the amoCRM emulator; empty lists without one or while it lacks the readers.
 */
export function leadSourcesOf(amocrm: PageAmocrm | undefined, accountId: number): LeadSourcesView {
  const pipelines = (amocrm?.listPipelines?.(accountId) ?? [])
    .filter((pipeline) => !pipeline.isArchive)
    .sort((a, b) => Number(b.isMain) - Number(a.isMain) || a.sort - b.sort)
    .map(({ id, name, isMain }) => ({ id, name, isMain }));
  const sources = (amocrm?.listSources?.(accountId) ?? [])
    .filter((source) => source.deletedAt === undefined)
    .map(({ id, name, externalId, pipelineId }) => ({ id, name, externalId, pipelineId }));
  return { pipelines, sources };
}
