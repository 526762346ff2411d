import { type Context, Hono } from 'hono';
import { linkActionRequestSchema, linkPaths } from '../../contracts/link';
import { storableLinkPutRequestSchema } from '../../contracts/link/storable-link-put-request';
import { answerOtherMethods } from '../../http/answer-other-methods';
import { readJsonBody } from '../../http/read-json-body';
import { findDeliveryBreakerOfAccount } from '../../store/delivery-breaker-repo';
import { findLinkByAccountId } from '../../store/links-repo';
import type { OneTimeTokenIdentity } from '../auth/verify-one-time-token';
import { createErrorHandler } from '../create-error-handler';
import { authenticateWidgetRequest } from './widget-link/authenticate-widget-request';
import {
  createWidgetLinkContext,
  type WidgetLinkContext,
  type WidgetLinkDeps,
} from './widget-link/create-widget-link-context';
import { deleteLink } from './widget-link/delete-link';
import { linkStatusOf } from './widget-link/link-status-of';
import { linkViewOf } from './widget-link/link-view-of';
import { putLink } from './widget-link/put-link';
import { requireLinkAdmin } from './widget-link/require-link-admin';
import { rotateLink } from './widget-link/rotate-link';
import { testLink } from './widget-link/test-link';
import { widgetLinkCors } from './widget-link/widget-link-cors';

export type { WidgetLinkDeps } from './widget-link/create-widget-link-context';

/**
 * The widget link API (GET/PUT/DELETE /api/widget/link, POST .../rotate and .../test). Every request passes the
 * same edge in the same order: content type (415), size (413), JSON (400), schema (400), then the one-time token
 * (401), then the business rules. The account always comes from the token.
 * Every change then passes requireLinkAdmin: an active installation (409), an admin caller (403) and, for PUT, the
 * amojo id amoCRM reports (403), before anything reaches amojo or the store. GET is open to any user of the account.
 * PUT, rotate and test also count against the account's stored limit (429) once the gate has passed;
 * GET and DELETE do not: one only reads, the other is the way out.
 */
export function widgetLinkRoutes(deps: WidgetLinkDeps): Hono {
  const ctx = createWidgetLinkContext(deps);
  const app = new Hono();

  // Mounted at the root, so middleware is scoped to the API's own paths, never to the rest of the app.
  // `/*` also matches the bare path, so one registration covers all five routes.
  app.use(`${linkPaths.link}/*`, widgetLinkCors({ sandbox: ctx.sandbox }));
  app.onError(createErrorHandler(ctx.logger));

  app.get(linkPaths.link, async (c) => {
    const identity = await authenticate(ctx, c);
    const [link, view, breaker] = await Promise.all([
      findLinkByAccountId(ctx.db, identity.accountId),
      linkViewOf(ctx, identity),
      findDeliveryBreakerOfAccount(ctx.db, identity.accountId),
    ]);
    return c.json(linkStatusOf(ctx.secretBox, link, identity, view, breaker));
  });

  app.put(linkPaths.link, async (c) => {
    const body = await readJsonBody(c.req.raw, storableLinkPutRequestSchema, {
      maxBytes: ctx.limits.maxBodyBytes,
      optional: false,
    });
    const identity = await authenticate(ctx, c);
    const view = await requireLinkAdmin(ctx, identity, { amojoId: body.amojo_id });
    await ctx.callThrottle.take(identity.accountId);
    const result = await putLink(ctx, identity, body, view);
    return c.json(result.body, result.httpStatus);
  });

  app.delete(linkPaths.link, async (c) => {
    const identity = await authenticateAction(ctx, c);
    const view = await requireLinkAdmin(ctx, identity);
    return c.json(await deleteLink(ctx, identity, view));
  });

  app.post(linkPaths.rotate, async (c) => {
    const identity = await authenticateAction(ctx, c);
    const view = await requireLinkAdmin(ctx, identity);
    await ctx.callThrottle.take(identity.accountId);
    return c.json(await rotateLink(ctx, identity, view));
  });

  app.post(linkPaths.test, async (c) => {
    const identity = await authenticateAction(ctx, c);
    await requireLinkAdmin(ctx, identity);
    await ctx.callThrottle.take(identity.accountId);
    return c.json(await testLink(ctx, identity));
  });

  answerOtherMethods(app, [
    [linkPaths.link, 'GET, PUT, DELETE'],
    [linkPaths.rotate, 'POST'],
    [linkPaths.test, 'POST'],
  ]);
  return app;
}

function authenticate(ctx: WidgetLinkContext, c: Context): Promise<OneTimeTokenIdentity> {
  return authenticateWidgetRequest(ctx, c.req.header('x-auth-token'));
}

/** rotate, test and DELETE take no input; a body, when sent, must still be JSON `{}`. */
async function authenticateAction(ctx: WidgetLinkContext, c: Context): Promise<OneTimeTokenIdentity> {
  await readJsonBody(c.req.raw, linkActionRequestSchema, { maxBytes: ctx.limits.maxBodyBytes, optional: true });
  return authenticate(ctx, c);
}
