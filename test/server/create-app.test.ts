import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { describe, expect, it, vi } from 'vitest';
import { AppError } from '../../src/http/app-error';
import { createLogger } from '../../src/observability/create-logger';
import { createMetrics } from '../../src/observability/create-metrics';
import { createApp } from '../../src/server/create-app';
import { recordLogs } from './helpers/record-logs';
import { resetMidBody } from './helpers/reset-mid-body';

function build(ready = true) {
  const lines: string[] = [];
  const logger = createLogger({ level: 'error', destination: { write: (line: string) => void lines.push(line) } });
  const routes = new Hono();
  routes.get('/boom', () => {
    throw new Error('secret internals at /var/db');
  });
  routes.get('/busy', () => {
    throw new AppError('channel_unavailable', 'amojo is not answering; try again shortly.', { retryAfter: 2.2 });
  });
  routes.post('/bad', () => {
    throw new AppError('invalid_request', 'The body does not match.', {
      issues: [{ path: 'title', message: 'too long' }],
    });
  });
  const app = createApp({
    logger,
    metrics: createMetrics(),
    readiness: async () => ({ ok: ready, checks: { database: ready } }),
    routes: [routes],
  });
  return { app, lines };
}

describe('createApp', () => {
  it('answers health, readiness and metrics', async () => {
    const { app } = build();
    expect(await (await app.request('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await app.request('/readyz');
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ready', checks: { database: true } }]);
    const metrics = await app.request('/metrics');
    expect(await metrics.text()).toContain('amojo_hook_ack_seconds');
    const notReady = await build(false).app.request('/readyz');
    expect(notReady.status).toBe(503);
  });

  it('serves /metrics to anyone when METRICS_TOKEN is unset (the sandbox)', async () => {
    const { app } = build();
    expect((await app.request('/metrics')).status).toBe(200);
    expect((await app.request('/metrics', { headers: { Authorization: 'Bearer anything' } })).status).toBe(200);
  });

  it('wants the Bearer METRICS_TOKEN on /metrics when it is set, answering a coded 401 otherwise', async () => {
    const token = 'metrics-token-0123456789';
    const app = createApp({
      logger: createLogger({ level: 'silent' }),
      metrics: createMetrics(),
      metricsToken: token,
      readiness: async () => ({ ok: true, checks: {} }),
    });
    const ok = await app.request('/metrics', { headers: { Authorization: `Bearer ${token}` } });
    expect([ok.status, await ok.text()]).toEqual([200, expect.stringContaining('amojo_hook_ack_seconds')]);
    for (const authorization of [undefined, '', 'Bearer', `Bearer ${token}x`, `Bearer ${token.slice(1)}`, token]) {
      const res = await app.request('/metrics', authorization === undefined ? {} : { headers: { authorization } });
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer realm="metrics"');
      expect((await res.json()).error.code).toBe('metrics_auth_invalid');
    }
    // the rest of the operations endpoints stay open: probes carry no token
    expect((await app.request('/healthz')).status).toBe(200);
    expect((await app.request('/readyz')).status).toBe(200);
  });

  it('renders coded errors with their status, issues and Retry-After', async () => {
    const { app } = build();
    const busy = await app.request('/busy');
    expect(busy.status).toBe(503);
    expect(busy.headers.get('retry-after')).toBe('3');
    expect(await busy.json()).toEqual({
      error: { code: 'channel_unavailable', message: 'amojo is not answering; try again shortly.' },
    });
    const bad = await app.request('/bad', { method: 'POST' });
    expect([bad.status, await bad.json()]).toEqual([
      400,
      {
        error: {
          code: 'invalid_request',
          message: 'The body does not match.',
          issues: [{ path: 'title', message: 'too long' }],
        },
      },
    ]);
  });

  it('hides unknown errors behind a generic 500 and logs them', async () => {
    const { app, lines } = build();
    const res = await app.request('/boom');
    expect(res.status).toBe(500);
    const text = await res.text();
    expect(text).not.toContain('/var/db');
    expect(JSON.parse(text).error.code).toBe('internal_error');
    expect(lines.join('')).toContain('unhandled error');
  });

  it('closes the connection after a 413, since the rest of the body is left unread', async () => {
    const routes = new Hono();
    routes.post('/big', () => {
      throw new AppError('payload_too_large', 'The body is too large.');
    });
    const app = createApp({
      logger: createLogger({ level: 'silent' }),
      metrics: createMetrics(),
      readiness: async () => ({ ok: true, checks: {} }),
      routes: [routes],
    });
    const res = await app.request('/big', { method: 'POST' });
    expect([res.status, res.headers.get('connection')]).toEqual([413, 'close']);
    expect((await build().app.request('/busy')).headers.get('connection')).toBeNull();
  });

  it('logs a client that reset the connection mid-body at debug, never at error', async () => {
    const { logger, entries } = recordLogs();
    const routes = new Hono();
    routes.put('/upload', async (c) => c.json({ bytes: (await c.req.arrayBuffer()).byteLength }));
    const app = createApp({
      logger,
      metrics: createMetrics(),
      readiness: async () => ({ ok: true, checks: {} }),
      routes: [routes],
    });
    const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }) as Server;
    try {
      await new Promise((resolve) => server.once('listening', resolve));
      await resetMidBody(server, 'PUT', '/upload');
      await vi.waitFor(() => expect(entries.map((e) => e.msg)).toContain('client went away mid-request'));
      expect(entries.filter((e) => e.level >= 50)).toEqual([]);
      expect(entries.find((e) => e.msg === 'client went away mid-request')).toMatchObject({
        level: 20,
        path: '/upload',
      });
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('logs a database failure as an error even when the client has left meanwhile', async () => {
    const { logger, entries } = recordLogs();
    const gone = new AbortController();
    const routes = new Hono();
    routes.post('/save', () => {
      gone.abort();
      throw Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    });
    const app = createApp({
      logger,
      metrics: createMetrics(),
      readiness: async () => ({ ok: true, checks: {} }),
      routes: [routes],
    });
    const res = await app.request('/save', { method: 'POST', signal: gone.signal });
    expect([res.status, res.headers.get('retry-after'), (await res.json()).error.code]).toEqual([
      503,
      '5',
      'storage_unavailable',
    ]);
    expect(entries.find((e) => e.msg === 'unhandled error')).toMatchObject({ level: 50, path: '/save' });
  });

  it('answers unknown routes with a coded 404', async () => {
    const res = await build().app.request('/nope');
    expect([res.status, (await res.json()).error.code]).toEqual([404, 'not_found']);
  });
});
