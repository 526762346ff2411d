import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../../../src/observability/create-logger';
import { createMetrics } from '../../../../src/observability/create-metrics';
import { createApp } from '../../../../src/server/create-app';
import { isAllowedWidgetOrigin } from '../../../../src/server/routes/widget-link/widget-link-cors';
import { type Harness, startHarness } from './harness';

const LINK = '/api/widget/link';

function preflight(app: { request: (url: string, init: RequestInit) => Response | Promise<Response> }, origin: string) {
  return app.request(`http://backend.test${LINK}`, {
    method: 'OPTIONS',
    headers: {
      Origin: origin,
      'Access-Control-Request-Method': 'PUT',
      'Access-Control-Request-Headers': 'x-auth-token, content-type',
    },
  });
}

describe('isAllowedWidgetOrigin', () => {
  it.each(['https://shop.amocrm.ru', 'https://shop.amocrm.com', 'https://shop.kommo.com'])('allows %s', (origin) => {
    expect(isAllowedWidgetOrigin(origin, false)).toBe(true);
  });

  it.each([
    'https://shop.amocrm.ru.evil.com',
    'https://evil.com',
    'http://shop.amocrm.ru',
    'https://shop.amocrm.ru:8443',
    'https://shop.amocrm.ru/',
    'null',
    'http://127.0.0.1:5173',
    'http://localhost:5173',
  ])('refuses %s outside the sandbox', (origin) => {
    expect(isAllowedWidgetOrigin(origin, false)).toBe(false);
  });

  it('allows the local sandbox page only in sandbox mode', () => {
    for (const origin of ['http://127.0.0.1:5173', 'http://localhost:8080', 'http://127.0.0.1']) {
      expect(isAllowedWidgetOrigin(origin, true)).toBe(true);
    }
    for (const origin of ['http://127.0.0.2:5173', 'http://localhost.evil.com', 'https://127.0.0.1:5173']) {
      expect(isAllowedWidgetOrigin(origin, true)).toBe(false);
    }
  });
});

describe('widget link API: CORS', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(() => h.close());

  it('answers a preflight from an account origin with the allowed methods and headers', async () => {
    const res = await preflight(h.app, 'https://shop.kommo.com');
    expect(res.status).toBe(204);
    expect(res.headers.get('access-control-allow-origin')).toBe('https://shop.kommo.com');
    expect(res.headers.get('access-control-allow-headers')).toBe('X-Auth-Token, Content-Type');
    expect(res.headers.get('access-control-allow-methods')).toContain('PUT');
    expect(res.headers.get('access-control-allow-methods')).toContain('DELETE');
    expect(res.headers.get('vary')).toContain('Origin');
  });

  it('gives a preflight from any other origin no CORS headers', async () => {
    for (const origin of ['https://evil.example.com', 'https://shop.amocrm.ru.evil.com', 'http://127.0.0.1:5173']) {
      const res = await preflight(h.app, origin);
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('access-control-allow-headers')).toBeNull();
    }
  });

  it('sets CORS headers on answers to allowed origins, errors included, and exposes Retry-After', async () => {
    const ok = await h.call('GET', LINK, { headers: { Origin: 'https://shopa.amocrm.ru' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('access-control-allow-origin')).toBe('https://shopa.amocrm.ru');
    expect(ok.headers.get('access-control-expose-headers')).toBe('Retry-After');
    expect(ok.headers.get('vary')).toBe('Origin');

    const refused = await h.call('GET', LINK, { token: null, headers: { Origin: 'https://shopa.amocrm.ru' } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe('https://shopa.amocrm.ru');
  });

  it('sets no CORS headers for other origins, and still serves them (the token is the authority)', async () => {
    const res = await h.call('GET', LINK, { headers: { Origin: 'https://evil.example.com' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows the sandbox page origin in sandbox mode', async () => {
    const sandbox = await startHarness({ sandbox: true });
    try {
      const res = await preflight(sandbox.app, 'http://127.0.0.1:43123');
      expect(res.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:43123');
    } finally {
      await sandbox.close();
    }
  });

  it('stays on its own paths when mounted in the app, and keeps its error bodies there', async () => {
    const app = createApp({
      logger: createLogger({ level: 'silent' }),
      metrics: createMetrics(),
      readiness: async () => ({ ok: true, checks: {} }),
      routes: [h.app],
    });
    const health = await app.request('http://backend.test/healthz', { headers: { Origin: 'https://shop.amocrm.ru' } });
    expect(health.status).toBe(200);
    expect(health.headers.get('access-control-allow-origin')).toBeNull();
    const healthPreflight = await app.request('http://backend.test/healthz', {
      method: 'OPTIONS',
      headers: { Origin: 'https://shop.amocrm.ru', 'Access-Control-Request-Method': 'GET' },
    });
    expect(healthPreflight.headers.get('access-control-allow-origin')).toBeNull();

    const mounted = await preflight(app, 'https://shop.amocrm.ru');
    expect(mounted.headers.get('access-control-allow-origin')).toBe('https://shop.amocrm.ru');
    const missing = await app.request(`http://backend.test${LINK}`, { headers: { Origin: 'https://shop.amocrm.ru' } });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('access-control-allow-origin')).toBe('https://shop.amocrm.ru');
    expect(await missing.json()).toMatchObject({ error: { code: 'auth_missing' } });
  });
});
