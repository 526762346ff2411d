import type { PipelineRecord } from './amocrm-emulator-types';

/** One pipeline of `GET /api/v4/leads/pipelines` with its statuses (crm-rest §6, leads_pipelines.md's example). */
export function buildPipelineBody(origin: string, pipeline: PipelineRecord) {
  const self = `${origin}/api/v4/leads/pipelines/${pipeline.id}`;
  return {
    id: pipeline.id,
    name: pipeline.name,
    sort: pipeline.sort,
    is_main: pipeline.isMain,
    is_unsorted_on: pipeline.isUnsortedOn,
    is_archive: pipeline.isArchive,
    account_id: pipeline.accountId,
    _links: { self: { href: self } },
    _embedded: {
      statuses: pipeline.statuses.map((status) => ({
        id: status.id,
        name: status.name,
        sort: status.sort,
        is_editable: status.isEditable,
        pipeline_id: pipeline.id,
        color: status.color,
        type: status.type,
        account_id: pipeline.accountId,
        _links: { self: { href: `${self}/statuses/${status.id}` } },
      })),
    },
  };
}
