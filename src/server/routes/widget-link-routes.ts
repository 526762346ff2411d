import { Hono } from 'hono';
import { linkPaths } from '../../contracts/link';
import { storableLinkPutRequestSchema } from '../../contracts/link/storable-link-put-request';
import { answerOtherMethods } from '../../http/answer-other-methods';
import { readJsonBody } from '../../http/read-json-body';
import { findDeliveryBreakerOfAccount } from '../../store/delivery-breaker-repo';
import { findLinkByAccountId } from '../../store/links-repo';
import { createErrorHandler } from '../create-error-handler';
import { authenticateAction } from './widget-link/authenticate-action';
import { authenticateWidgetRequest } from './widget-link/authenticate-widget-request';
import { createWidgetLinkContext, type WidgetLinkDeps } from './widget-link/create-widget-link-context';
import { deleteLink } from './widget-link/delete-link';
import { deprecatedLinkPath } from './widget-link/deprecated-link-path';
import { linkStatusOf } from './widget-link/link-status-of';
import { linkViewOf } from './widget-link/link-view-of';
import { putLink } from './widget-link/put-link';
import { requireLinkAdmin } from './widget-link/require-link-admin';
import { rotateLink } from './widget-link/rotate-link';
import { testLink } from './widget-link/test-link';
import { widgetLinkCors } from './widget-link/widget-link-cors';
import { addWidgetLinksRoutes } from './widget-links-routes';

export type { WidgetLinkDeps } from './widget-link/create-widget-link-context';

/**
 * The widget link API: the numbers of an account (`/api/widget/links`, widget-links-routes.ts), its pipelines, and the
 * deprecated single-link paths (GET/PUT/DELETE /api/widget/link, POST .../rotate and .../test), which act on the
 * account's primary (oldest live) link. Every request passes the same edge in the same order: content type (415),
 * size (413), JSON (400), schema (400), then the one-time token (401), then the business rules. The account always
 * comes from the token.
 * Every change then passes requireLinkAdmin: an active installation (409), an admin caller (403) and, for PUT, the
 * amojo id amoCRM reports (403), before anything reaches amojo or the store. GET is open to any user of the account.
 * PUT, rotate and test also count against the account's stored limit (429) once the gate has passed;
 * GET and DELETE do not: one only reads, the other is the way out.
 */
export function widgetLinkRoutes(deps: WidgetLinkDeps): Hono {
  const ctx = createWidgetLinkContext(deps);
  const app = new Hono();

  // Mounted at the root, so middleware is scoped to the API's own paths, never to the rest of the app.
  // `/*` also matches the bare path, so one registration covers a path and everything below it.
  const cors = widgetLinkCors({ sandbox: ctx.sandbox });
  for (const path of [`${linkPaths.link}/*`, `${linkPaths.links}/*`, linkPaths.pipelines]) app.use(path, cors);
  app.use(`${linkPaths.link}/*`, deprecatedLinkPath());
  app.onError(createErrorHandler(ctx.logger));

  app.get(linkPaths.link, async (c) => {
    const identity = await authenticateWidgetRequest(ctx, c.req.header('x-auth-token'));
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
    const identity = await authenticateWidgetRequest(ctx, c.req.header('x-auth-token'));
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
    return c.json(await testLink(ctx, identity, await findLinkByAccountId(ctx.db, identity.accountId)));
  });

  answerOtherMethods(app, [
    [linkPaths.link, 'GET, PUT, DELETE'],
    [linkPaths.rotate, 'POST'],
    [linkPaths.test, 'POST'],
  ]);
  addWidgetLinksRoutes(app, ctx);
  return app;
}
