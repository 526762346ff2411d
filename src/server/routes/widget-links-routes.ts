import type { Hono } from 'hono';
import { linkCreateRequestSchema, linkPaths, linkUpdateRequestSchema } from '../../contracts/link';
import { answerOtherMethods } from '../../http/answer-other-methods';
import { readJsonBody } from '../../http/read-json-body';
import { authenticateAction } from './widget-link/authenticate-action';
import { authenticateWidgetRequest } from './widget-link/authenticate-widget-request';
import type { WidgetLinkContext } from './widget-link/create-widget-link-context';
import { deleteLinkById } from './widget-link/delete-link-by-id';
import { getLinkById } from './widget-link/get-link-by-id';
import { linkErrors } from './widget-link/link-errors';
import { listLinks } from './widget-link/list-links';
import { listPipelines } from './widget-link/list-pipelines';
import { postLink } from './widget-link/post-link';
import { putLinkById } from './widget-link/put-link-by-id';
import { requireAccountLink } from './widget-link/require-account-link';
import { requireLinkAdmin } from './widget-link/require-link-admin';
import { rotateLinkById } from './widget-link/rotate-link-by-id';
import { storableLinkBody } from './widget-link/storable-link-body';
import { testLink } from './widget-link/test-link';

const createBody = storableLinkBody(linkCreateRequestSchema);
const updateBody = storableLinkBody(linkUpdateRequestSchema);

/**
 * The numbers of an account (`/api/widget/links`) and its pipelines, on the app of widgetLinkRoutes (its CORS, error
 * handler and context). The same edge and gates as the single-link paths: the body, the token, then requireLinkAdmin
 * for every change (POST also proves the amojo id), then the account's stored throttle for POST, PUT, rotate and
 * test. GETs are open to any user of the account; DELETE is the way out and is not throttled. An id the account
 * does not own is 404 link_not_found, whoever owns it.
 */
export function addWidgetLinksRoutes(app: Hono, ctx: WidgetLinkContext): void {
  const bodyOptions = { maxBytes: ctx.limits.maxBodyBytes, optional: false };
  const authenticate = (header: string | undefined) => authenticateWidgetRequest(ctx, header);

  app.get(linkPaths.links, async (c) => c.json(await listLinks(ctx, await authenticate(c.req.header('x-auth-token')))));

  app.post(linkPaths.links, async (c) => {
    const body = await readJsonBody(c.req.raw, createBody, bodyOptions);
    const identity = await authenticate(c.req.header('x-auth-token'));
    await requireLinkAdmin(ctx, identity, { amojoId: body.amojo_id });
    await ctx.callThrottle.take(identity.accountId);
    return c.json(await postLink(ctx, identity, body), 201);
  });

  app.get(linkPaths.pipelines, async (c) =>
    c.json(await listPipelines(ctx, await authenticate(c.req.header('x-auth-token')))),
  );

  app.get(linkPaths.linkById, async (c) => {
    const identity = await authenticate(c.req.header('x-auth-token'));
    return c.json(await getLinkById(ctx, identity, c.req.param('id')));
  });

  app.put(linkPaths.linkById, async (c) => {
    const body = await readJsonBody(c.req.raw, updateBody, bodyOptions);
    const identity = await authenticate(c.req.header('x-auth-token'));
    await requireLinkAdmin(ctx, identity);
    await ctx.callThrottle.take(identity.accountId);
    return c.json(await putLinkById(ctx, identity, c.req.param('id'), body));
  });

  app.delete(linkPaths.linkById, async (c) => {
    const identity = await authenticateAction(ctx, c);
    await requireLinkAdmin(ctx, identity);
    return c.json(await deleteLinkById(ctx, identity, c.req.param('id')));
  });

  app.post(linkPaths.rotateById, async (c) => {
    const identity = await authenticateAction(ctx, c);
    await requireLinkAdmin(ctx, identity);
    await ctx.callThrottle.take(identity.accountId);
    return c.json(await rotateLinkById(ctx, identity, c.req.param('id')));
  });

  app.post(linkPaths.testById, async (c) => {
    const identity = await authenticateAction(ctx, c);
    await requireLinkAdmin(ctx, identity);
    await ctx.callThrottle.take(identity.accountId);
    const link = await requireAccountLink(ctx, identity.accountId, c.req.param('id'));
    return c.json(await testLink(ctx, identity, link, linkErrors.linkNotFound));
  });

  answerOtherMethods(app, [
    [linkPaths.links, 'GET, POST'],
    [linkPaths.pipelines, 'GET'],
    [linkPaths.linkById, 'GET, PUT, DELETE'],
    [linkPaths.rotateById, 'POST'],
    [linkPaths.testById, 'POST'],
  ]);
}
