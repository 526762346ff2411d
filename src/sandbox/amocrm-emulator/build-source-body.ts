import type { SourceRecord } from './amocrm-emulator-types';

/** One source as `GET /api/v4/sources` lists it (crm-rest §4.2, sources-api.md's example). */
export function buildSourceBody(origin: string, source: SourceRecord) {
  return {
    id: source.id,
    name: source.name,
    pipeline_id: source.pipelineId,
    external_id: source.externalId,
    default: source.isDefault,
    origin_code: source.originCode,
    services: source.services,
    _links: { self: { href: `${origin}/api/v4/sources/${source.id}` } },
  };
}
