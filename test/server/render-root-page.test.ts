import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observability/create-logger';
import { createMetrics } from '../../src/observability/create-metrics';
import { createApp } from '../../src/server/create-app';

const packageVersion = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;

function build(options: Partial<Parameters<typeof createApp>[0]> = {}, withOpenapi = true) {
  return createApp({
    logger: createLogger({ level: 'silent' }),
    metrics: createMetrics(),
    readiness: async () => ({ ok: true, checks: {} }),
    ...(withOpenapi ? { openapi: () => ({ openapi: '3.1.0' }) } : {}),
    ...options,
  });
}

const hrefs = (html: string) => [...html.matchAll(/<a href="([^"]*)"/g)].map((match) => match[1]);

describe("the backend's root page", () => {
  it('says what answers here, its version, and links the operational endpoints', async () => {
    const res = await build().request('/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('Chat channel backend');
    expect(html).toContain(`<span data-testid="version">${packageVersion}</span>`);
    expect(hrefs(html)).toEqual(expect.arrayContaining(['/openapi.json', '/healthz', '/readyz', '/metrics']));
    expect(html).not.toContain('sandbox');
  });

  it('leaves out /openapi.json when there is none, and shows a version it is given', async () => {
    const html = await (await build({ rootPage: { version: '9.8.7' } }, false).request('/')).text();
    expect(hrefs(html)).not.toContain('/openapi.json');
    expect(html).toContain('<span data-testid="version">9.8.7</span>');
  });

  it('links the sandbox pages it is given, escaped', async () => {
    const app = build({
      rootPage: {
        links: [
          { label: 'Demo messenger', url: 'http://127.0.0.1:8083' },
          { label: '<script>alert(1)</script>', url: 'http://x/"onmouseover="alert(1)' },
        ],
      },
    });
    const html = await (await app.request('/')).text();
    expect(html).toContain('running in the sandbox');
    expect(hrefs(html)).toContain('http://127.0.0.1:8083');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    expect(hrefs(html)).toContain('http://x/&#34;onmouseover=&#34;alert(1)');
  });

  it('keeps every other route as it was: the JSON 404 and the metrics', async () => {
    const app = build();
    const missing = await app.request('/nope');
    expect([missing.status, (await missing.json()).error.code]).toEqual([404, 'not_found']);
    expect((await app.request('/', { method: 'POST' })).status).toBe(404);
    expect(await (await app.request('/metrics')).text()).toContain('amojo_hook_ack_seconds');
  });
});
