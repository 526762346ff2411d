import { Hono } from 'hono';
import { AppError } from '../http/app-error';
import { errorResponse } from '../http/error-response';
import type { Logger } from '../observability/create-logger';
import type { Metrics } from '../observability/create-metrics';
import { bearerTokenMatches } from './bearer-token-matches';
import { createErrorHandler } from './create-error-handler';
import { type RootPageOptions, renderRootPage } from './render-root-page';

export interface Readiness {
  ok: boolean;
  checks: Record<string, boolean>;
}

export interface AppOptions {
  logger: Logger;
  metrics: Metrics;
  /** METRICS_TOKEN: when set, /metrics wants `Authorization: Bearer <token>`; unset, it is open (the sandbox). */
  metricsToken?: string | undefined;
  /** Database reachable, workers running; answered on /readyz. */
  readiness: () => Promise<Readiness>;
  /** Route groups mounted at the root, in order (widget link API, amojo webhook, bridge, …). */
  routes?: Hono[];
  openapi?: () => unknown;
  /** What `/` shows besides the endpoints: the version, and the sandbox's other pages. */
  rootPage?: RootPageOptions;
}

/** The HTTP edge: a root page, health, metrics and the mounted route groups, with one error mapping for all of them. */
export function createApp(options: AppOptions): Hono {
  const app = new Hono();

  app.onError(createErrorHandler(options.logger));
  app.notFound((c) => {
    const res = errorResponse(new AppError('not_found', `No route for ${c.req.method} ${c.req.path}.`));
    return c.json(res.body, 404);
  });

  app.get('/', (c) => c.html(renderRootPage({ ...options.rootPage, openapi: options.openapi !== undefined })));
  app.get('/healthz', (c) => c.json({ status: 'ok' }));
  app.get('/readyz', async (c) => {
    const readiness = await options.readiness().catch(() => ({ ok: false, checks: {} }));
    return c.json({ status: readiness.ok ? 'ready' : 'not_ready', checks: readiness.checks }, readiness.ok ? 200 : 503);
  });
  app.get('/metrics', async (c) => {
    const token = options.metricsToken;
    if (token !== undefined && !bearerTokenMatches(c.req.header('authorization'), token)) {
      const res = errorResponse(
        new AppError('metrics_auth_invalid', 'GET /metrics wants Authorization: Bearer <METRICS_TOKEN>.'),
      );
      return c.json(res.body, 401, { 'WWW-Authenticate': 'Bearer realm="metrics"' });
    }
    return c.body(await options.metrics.registry.metrics(), 200, {
      'Content-Type': options.metrics.registry.contentType,
    });
  });
  if (options.openapi) {
    const openapi = options.openapi;
    app.get('/openapi.json', (c) => c.json(openapi() as object));
  }

  for (const routes of options.routes ?? []) app.route('/', routes);
  return app;
}
