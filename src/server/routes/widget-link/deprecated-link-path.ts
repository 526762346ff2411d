import type { MiddlewareHandler } from 'hono';
import { linkPaths } from '../../../contracts/link';

/**
 * Marks every answer of the single-link paths (`/api/widget/link`, kept for one release for widgets that predate
 * numbers) as deprecated, errors included: `Deprecation: true` and the collection as the successor (RFC 8594 and the
 * `successor-version` relation of RFC 5829), so a client's logs say where to move.
 */
export function deprecatedLinkPath(): MiddlewareHandler {
  return async (c, next) => {
    await next();
    c.res.headers.set('Deprecation', 'true');
    c.res.headers.set('Link', `<${linkPaths.links}>; rel="successor-version"`);
  };
}
