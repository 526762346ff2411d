import { describe, expect, it } from 'vitest';
import { bridgePaths } from '../../src/contracts/bridge';
import { linkErrorStatus, linkPaths } from '../../src/contracts/link';
import { createLogger } from '../../src/observability/create-logger';
import { createMetrics } from '../../src/observability/create-metrics';
import { createApp } from '../../src/server/create-app';
import { openApiDocument } from '../../src/server/openapi';

type Operation = { responses: Record<string, { description: string }> };
type Document = { openapi: string; info: { version: string }; paths: Record<string, Record<string, Operation>> };

const asOpenApiPath = (path: string) => path.replace(/:([a-z_]+)/gi, '{$1}');

// /openapi.json as the backend serves it: every route it mounts, every status the link API can answer with.
describe('/openapi.json', () => {
  async function served(): Promise<Document> {
    const app = createApp({
      logger: createLogger({ level: 'silent' }),
      metrics: createMetrics(),
      readiness: async () => ({ ok: true, checks: {} }),
      openapi: () => openApiDocument('9.9.9'),
    });
    const res = await app.request('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    return res.json();
  }

  it('is served as OpenAPI 3.1 with the running version', async () => {
    const doc = await served();
    expect([doc.openapi, doc.info.version]).toEqual(['3.1.0', '9.9.9']);
  });

  it('describes every route the backend mounts', async () => {
    const paths = Object.keys((await served()).paths);
    const mounted = [
      ...Object.values(linkPaths),
      ...Object.values(bridgePaths),
      '/amojo/webhook/:scopeId',
      '/amocrm/oauth',
      '/amocrm/disconnect',
      '/media/:id',
      '/healthz',
      '/readyz',
      '/metrics',
    ].map(asOpenApiPath);
    expect(paths).toEqual(expect.arrayContaining(mounted));
  });

  it('lists, on every widget operation, each status and code the link API can answer with', async () => {
    const { paths } = await served();
    const operations = Object.values(linkPaths)
      .map(asOpenApiPath)
      .flatMap((path) => Object.values(paths[path] ?? {}));
    // 5 deprecated single-link operations, 5 of the collection and its items, rotate, test and the pipelines.
    expect(operations).toHaveLength(13);
    for (const operation of operations) {
      for (const [code, status] of Object.entries(linkErrorStatus)) {
        expect(operation.responses[String(status)]?.description).toContain(code);
      }
    }
  });
});
