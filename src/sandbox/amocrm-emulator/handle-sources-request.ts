import type { SourceRecord } from './amocrm-emulator-types';
import type { ApiCall } from './api-call';
import { buildSourceBody } from './build-source-body';
import { halResponse } from './hal-response';
import { noContent } from './no-content';
import { problemResponse } from './problem-response';
import { readApiBody } from './read-api-body';
import { SOURCE_BATCH_LIMIT, type SourceChange, validateSourceItems } from './validate-source-items';
import { validationProblem } from './validation-problem';

/** `filter[external_id]`, `filter[external_id][]` and `filter[external_id][0]`: the docs take a string or an array. */
const EXTERNAL_ID_FILTER = /^filter\[external_id\](?:\[\d*\])?$/;

/**
 * `/api/v4/sources` and `/api/v4/sources/{id}` (crm-rest §4.2): admin-only (403 for anyone else), the caller's
 * integration's sources of the token's account only. `idSegment` is what follows `/sources/`, if anything.
 */
export async function handleSourcesRequest(call: ApiCall, idSegment: string | undefined): Promise<Response> {
  const { ctx, request, account, caller } = call;
  if (!caller.isAdmin) return problemResponse(403, 'Not enough rights', { reason: 'not_admin' });
  const method = request.method;
  if (idSegment !== undefined) {
    if (!/^\d+$/.test(idSegment)) return problemResponse(404, 'Not found', { reason: 'not_found' });
    const source = ctx.crm.liveSource(account.id, Number(idSegment));
    if (method === 'GET') return source === undefined ? noContent() : halResponse(buildSourceBody(call.origin, source));
    if (method === 'DELETE') {
      if (source === undefined) return problemResponse(404, 'Source not found', { reason: 'source_not_found' });
      source.deletedAt = ctx.now().getTime();
      return noContent();
    }
    if (method === 'PATCH') {
      if (source === undefined) return problemResponse(404, 'Source not found', { reason: 'source_not_found' });
      return patchSources(call, source);
    }
    return problemResponse(405, 'Method not allowed', { reason: 'method' });
  }
  if (method === 'GET') return listSources(call);
  if (method === 'POST') return createSources(call);
  if (method === 'PATCH') return patchSources(call, undefined);
  if (method === 'DELETE') return deleteSources(call);
  return problemResponse(405, 'Method not allowed', { reason: 'method' });
}

function listSources(call: ApiCall): Response {
  const wanted = [...call.url.searchParams].filter(([key]) => EXTERNAL_ID_FILTER.test(key)).map(([, value]) => value);
  const live = call.ctx.crm.liveSources(call.account.id);
  const found = wanted.length === 0 ? live : live.filter((source) => wanted.includes(source.externalId));
  // "Nothing", or nothing matching the filter: 204 with no body (crm-rest §4.2, §9.13).
  if (found.length === 0) return noContent();
  return halResponse(listBody(call, found.slice(0, 100)));
}

async function createSources(call: ApiCall): Promise<Response> {
  const items = await readBatch(call);
  if (items instanceof Response) return items;
  const { ctx, account } = call;
  const checked = validateSourceItems(items, {
    mode: 'create',
    liveSources: ctx.crm.liveSources(account.id),
    pipelineExists: (id) => ctx.crm.pipeline(account.id, id) !== undefined,
  });
  if (!checked.ok) return validationProblem(checked.errors, 'invalid_sources');
  const mainId = ctx.crm.pipelines(account.id).find((pipeline) => pipeline.isMain)?.id ?? 0;
  const created = checked.changes.map((change) => {
    if (change.isDefault) clearDefault(call);
    const source = ctx.crm.addSource({
      accountId: account.id,
      name: change.name as string,
      externalId: change.externalId as string,
      // The docs are silent on an omitted pipeline; their example answers show one filled in: the main one here.
      pipelineId: change.pipelineId ?? mainId,
      isDefault: change.isDefault ?? false,
      originCode: change.originCode ?? null,
      services: change.services ?? [],
    });
    return { source, requestId: change.requestId };
  });
  return halResponse(
    listBody(
      call,
      created.map((entry) => entry.source),
      created.map((entry) => entry.requestId),
    ),
  );
}

async function patchSources(call: ApiCall, target: SourceRecord | undefined): Promise<Response> {
  let items: unknown[];
  if (target === undefined) {
    const batch = await readBatch(call);
    if (batch instanceof Response) return batch;
    items = batch;
  } else {
    // One source by its path takes "just the model", an object (sources-api.md).
    const body = await readApiBody(call.request);
    if (!body.ok) return body.response;
    if (body.value === null || typeof body.value !== 'object' || Array.isArray(body.value)) {
      return validationProblem(
        [{ requestId: '0', errors: [{ code: 'InvalidType', path: '', detail: 'The body must be one source object' }] }],
        'invalid_sources',
      );
    }
    items = [body.value];
  }
  const { ctx, account } = call;
  const checked = validateSourceItems(items, {
    mode: 'patch',
    ...(target === undefined ? {} : { target }),
    liveSources: ctx.crm.liveSources(account.id),
    pipelineExists: (id) => ctx.crm.pipeline(account.id, id) !== undefined,
  });
  if (!checked.ok) return validationProblem(checked.errors, 'invalid_sources');
  const changed = checked.changes.map((change) => ({ source: apply(call, change), requestId: change.requestId }));
  if (target !== undefined) return halResponse(buildSourceBody(call.origin, changed[0]!.source));
  return halResponse(
    listBody(
      call,
      changed.map((entry) => entry.source),
      changed.map((entry) => entry.requestId),
    ),
  );
}

async function deleteSources(call: ApiCall): Promise<Response> {
  const items = await readBatch(call, Number.POSITIVE_INFINITY);
  if (items instanceof Response) return items;
  const { ctx, account } = call;
  const found: SourceRecord[] = [];
  const errors: { request_id: string; errors: { code: string; path: string; detail: string } }[] = [];
  items.forEach((item, index) => {
    const id = (item as { id?: unknown } | null)?.id;
    const source = Number.isSafeInteger(id) ? ctx.crm.liveSource(account.id, id as number) : undefined;
    if (source === undefined) {
      errors.push({
        request_id: String(index),
        errors: { code: 'EntityNotFound', path: 'id', detail: `source with id = ${String(id)} not found` },
      });
    } else found.push(source);
  });
  // The shape sources-api.md shows: the key is `errors`, each item's `errors` one object; nothing is deleted.
  if (errors.length > 0) {
    return problemResponse(400, 'Invalid request items', { reason: 'sources_not_found', fields: { errors } });
  }
  const at = ctx.now().getTime();
  for (const source of found) source.deletedAt = at;
  return noContent();
}

/** A JSON array of 1 to `limit` items, or the 400 that refuses it. */
async function readBatch(call: ApiCall, limit = SOURCE_BATCH_LIMIT): Promise<unknown[] | Response> {
  const body = await readApiBody(call.request);
  if (!body.ok) return body.response;
  const refuse = (detail: string) =>
    validationProblem([{ requestId: '0', errors: [{ code: 'InvalidType', path: '', detail }] }], 'invalid_sources');
  if (!Array.isArray(body.value)) return refuse('The body must be an array of sources');
  if (body.value.length === 0) return refuse('The array is empty');
  if (body.value.length > limit) {
    return problemResponse(400, `At most ${limit} sources may be sent at once`, { reason: 'batch_too_large' });
  }
  return body.value;
}

function apply(call: ApiCall, change: SourceChange): SourceRecord {
  const source = call.ctx.crm.liveSource(call.account.id, change.id as number)!;
  if (change.isDefault) clearDefault(call);
  if (change.name !== undefined) source.name = change.name;
  if (change.pipelineId !== undefined) source.pipelineId = change.pipelineId;
  if (change.isDefault !== undefined) source.isDefault = change.isDefault;
  if (change.originCode !== undefined) source.originCode = change.originCode;
  if (change.services !== undefined) source.services = change.services;
  return source;
}

/** At most one default per integration per account: a new `default: true` takes it from the old one (crm-rest §4.2). */
function clearDefault(call: ApiCall): void {
  for (const source of call.ctx.crm.liveSources(call.account.id)) source.isDefault = false;
}

function listBody(call: ApiCall, sources: readonly SourceRecord[], requestIds?: readonly string[]) {
  return {
    _total_items: sources.length,
    _links: { self: { href: `${call.origin}/api/v4/sources` } },
    _embedded: {
      sources: sources.map((source, index) => ({
        ...buildSourceBody(call.origin, source),
        ...(requestIds === undefined ? {} : { request_id: requestIds[index] }),
      })),
    },
  };
}
