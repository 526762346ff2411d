import type { Context } from 'hono';
import { linkActionRequestSchema } from '../../../contracts/link';
import { readJsonBody } from '../../../http/read-json-body';
import type { OneTimeTokenIdentity } from '../../auth/verify-one-time-token';
import { authenticateWidgetRequest } from './authenticate-widget-request';
import type { WidgetLinkContext } from './create-widget-link-context';

/**
 * The edge of a request that takes no input (GET, DELETE, rotate, test): a body, when sent, must still be JSON `{}`,
 * checked before the one-time token as every body is (415, 413, 400, then 401).
 */
export async function authenticateAction(ctx: WidgetLinkContext, c: Context): Promise<OneTimeTokenIdentity> {
  await readJsonBody(c.req.raw, linkActionRequestSchema, { maxBytes: ctx.limits.maxBodyBytes, optional: true });
  return authenticateWidgetRequest(ctx, c.req.header('x-auth-token'));
}
