import type { z } from 'zod/mini';
import { linkPathOf, linksPath, pipelinesPath } from '../../src/contracts/link';
import type { CrmHost, HttpMethod } from '../host/crm-host';
import type { ApiResult, BackendApi } from './backend-api';
import { decodeResponse } from './decode-response';
import {
  linkIssuedView,
  linkItemResponseView,
  linkListView,
  linkRemovedView,
  linkTestView,
  pipelineListView,
} from './link-views';

export interface BackendApiOptions {
  readonly host: Pick<CrmHost, 'request'>;
  /** The backend origin fixed at build time, e.g. `https://channel.example.com`. */
  readonly baseUrl: string;
  /** Asked before every call: no account data leaves the browser without the admin's consent. */
  readonly hasConsent: () => boolean;
}

/** The numbers API over `$authorizedAjax`; every answer is decoded with link-views.ts (what the panel reads
 * of src/contracts/link) or, for errors, the contract's error body. */
export function createBackendApi({ host, baseUrl, hasConsent }: BackendApiOptions): BackendApi {
  const origin = baseUrl.replace(/\/+$/, '');

  async function call<T>(method: HttpMethod, path: string, body: unknown, schema: z.ZodMiniType<T>) {
    if (!hasConsent()) return { ok: false, failure: { kind: 'consent_required' } } satisfies ApiResult<T>;
    const response = await host.request({
      method,
      url: origin + path,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return decodeResponse(response, schema);
  }

  return {
    list: () => call('GET', linksPath, undefined, linkListView),
    pipelines: () => call('GET', pipelinesPath, undefined, pipelineListView),
    create: (request) => call('POST', linksPath, request, linkIssuedView),
    update: (id, request) => call('PUT', linkPathOf(id), request, linkItemResponseView),
    rotate: (id) => call('POST', linkPathOf(id, 'rotate'), {}, linkIssuedView),
    test: (id) => call('POST', linkPathOf(id, 'test'), {}, linkTestView),
    unlink: (id) => call('DELETE', linkPathOf(id), undefined, linkRemovedView),
  };
}
