import type { MiddlewareHandler } from 'hono';
import { parseAccountOrigin } from '../../auth/parse-account-origin';

const ALLOW_METHODS = 'GET, PUT, POST, DELETE';
const ALLOW_HEADERS = 'X-Auth-Token, Content-Type';
// Retry-After is not a CORS-safelisted response header; without this the widget could not read it on 429/503.
const EXPOSE_HEADERS = 'Retry-After';
const MAX_AGE_SECONDS = '600';

const SANDBOX_ORIGIN = /^http:\/\/(127\.0\.0\.1|localhost)(:\d{1,5})?$/;

/** amoCRM / Kommo account pages, plus (in the sandbox) the emulated CRM page served from this machine. */
export function isAllowedWidgetOrigin(origin: string, sandbox: boolean): boolean {
  if (parseAccountOrigin(origin)?.origin === origin) return true;
  return sandbox && SANDBOX_ORIGIN.test(origin);
}

/**
 * CORS for the widget link API. `$authorizedAjax` adds X-Auth-Token, a non-safelisted header, so the browser
 * preflights every call. Allowed origins are echoed back; any other origin gets no CORS headers at all, so its
 * page cannot read an answer. No cookie is ever read, so credentials mode needs no support.
 */
export function widgetLinkCors(options: { sandbox: boolean }): MiddlewareHandler {
  return async (c, next) => {
    const origin = c.req.header('origin');
    const allowed = origin !== undefined && isAllowedWidgetOrigin(origin, options.sandbox);
    const preflight = c.req.method === 'OPTIONS' && c.req.header('access-control-request-method') !== undefined;
    if (preflight) {
      const headers: Record<string, string> = { Vary: 'Origin' };
      if (allowed) {
        headers['Access-Control-Allow-Origin'] = origin;
        headers['Access-Control-Allow-Methods'] = ALLOW_METHODS;
        headers['Access-Control-Allow-Headers'] = ALLOW_HEADERS;
        headers['Access-Control-Max-Age'] = MAX_AGE_SECONDS;
      }
      return c.body(null, 204, headers);
    }
    c.header('Vary', 'Origin', { append: true });
    if (allowed) {
      c.header('Access-Control-Allow-Origin', origin);
      c.header('Access-Control-Expose-Headers', EXPOSE_HEADERS);
    }
    await next();
  };
}
