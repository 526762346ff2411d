import type { ApiCall } from './api-call';
import { buildPipelineBody } from './build-pipeline-body';
import { halResponse } from './hal-response';
import { problemResponse } from './problem-response';

/** `GET /api/v4/leads/pipelines` (crm-rest §6): any user of the account, archived pipelines included, by `sort`. */
export function handlePipelinesRequest(call: ApiCall): Response {
  if (call.request.method !== 'GET') return problemResponse(405, 'Method not allowed', { reason: 'method' });
  const pipelines = call.ctx.crm.pipelines(call.account.id);
  return halResponse({
    _total_items: pipelines.length,
    _links: { self: { href: `${call.origin}/api/v4/leads/pipelines` } },
    _embedded: { pipelines: pipelines.map((pipeline) => buildPipelineBody(call.origin, pipeline)) },
  });
}
