import { z } from 'zod/mini';
import type { HostResponse } from '../host/crm-host';
import type { ApiResult } from './backend-api';
import { linkErrorView } from './link-views';

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Turns any HTTP answer into a typed result: a 2xx must match `schema`, anything else the shared error body. */
export function decodeResponse<T>(response: HostResponse, schema: z.ZodMiniType<T>): ApiResult<T> {
  const { status } = response;
  if (status === 0) return { ok: false, failure: { kind: response.timedOut ? 'timeout' : 'network' } };
  const json = parseJson(response.body);
  if (status >= 200 && status < 300) {
    const parsed = z.safeParse(schema, json);
    return parsed.success ? { ok: true, value: parsed.data } : { ok: false, failure: { kind: 'bad_response', status } };
  }
  const error = z.safeParse(linkErrorView, json);
  if (!error.success) return { ok: false, failure: { kind: 'bad_response', status } };
  const { code, issues, grant_url: grantUrl } = error.data.error;
  return { ok: false, failure: { kind: 'backend', status, code, issues: issues ?? [], grantUrl } };
}
