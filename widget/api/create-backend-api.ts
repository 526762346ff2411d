import type { z } from 'zod/mini';
import {
  linkDeleteResponseSchema,
  linkPaths,
  linkPutResponseSchema,
  linkRotateResponseSchema,
  linkStatusSchema,
  linkTestResponseSchema,
} from '../../src/contracts/link';
import type { CrmHost, HttpMethod } from '../host/crm-host';
import type { ApiResult, BackendApi } from './backend-api';
import { decodeResponse } from './decode-response';

export interface BackendApiOptions {
  readonly host: Pick<CrmHost, 'request'>;
  /** The backend origin fixed at build time, e.g. `https://channel.example.com`. */
  readonly baseUrl: string;
  /** Asked before every call: no account data leaves the browser without the admin's consent. */
  readonly hasConsent: () => boolean;
}

/** The link API over `$authorizedAjax`; every answer is validated against src/contracts/link. */
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
    getStatus: () => call('GET', linkPaths.link, undefined, linkStatusSchema),
    link: (request) => call('PUT', linkPaths.link, request, linkPutResponseSchema),
    rotate: () => call('POST', linkPaths.rotate, {}, linkRotateResponseSchema),
    test: () => call('POST', linkPaths.test, {}, linkTestResponseSchema),
    unlink: () => call('DELETE', linkPaths.link, undefined, linkDeleteResponseSchema),
  };
}
