import { bridgeOpenApi, schemaOf } from '../bridge/bridge-openapi';
import {
  linkDeleteResponseSchema,
  linkErrorBodySchema,
  linkErrorStatus,
  linkPutRequestSchema,
  linkPutResponseSchema,
  linkRotateResponseSchema,
  linkStatusSchema,
  linkTestResponseSchema,
} from '../contracts/link';

type JsonObject = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: string) => ({ content: { 'application/json': { schema: ref(name) } } });
// Every code the link API can answer with, grouped by status: generated, so a new code cannot be left out here.
const codesByStatus = new Map<number, string[]>();
for (const [code, status] of Object.entries(linkErrorStatus)) {
  codesByStatus.set(status, [...(codesByStatus.get(status) ?? []), code]);
}
const linkErrors = Object.fromEntries(
  [...codesByStatus].map(([status, codes]) => [
    String(status),
    { description: `${codes.join(', ')}.`, ...json('LinkError') },
  ]),
);
const retryAfter = { description: 'Seconds until the allowance comes back.', schema: { type: 'integer', minimum: 0 } };
// PUT, rotate and test count against the account's stored allowance (create-widget-link-context.ts).
const rateLimited = {
  '429': {
    description:
      'rate_limited: more than 10 PUT, rotate and test calls of the account in a minute (3 test events), shared by ' +
      'every instance. Wait Retry-After seconds.',
    headers: { 'Retry-After': retryAfter },
    ...json('LinkError'),
  },
};
const widget = (summary: string, response: string, status = '200', body?: string): JsonObject => ({
  summary,
  security: [{ amocrmOneTimeToken: [] }],
  ...(body ? { requestBody: { required: true, ...json(body) } } : {}),
  responses: { [status]: { description: 'OK', ...json(response) }, ...linkErrors },
});

const limited = (operation: JsonObject): JsonObject => ({
  ...operation,
  responses: { ...(operation.responses as JsonObject), ...rateLimited },
});

/** /openapi.json: every route the backend serves, with bodies generated from the same zod contracts it validates with. */
export function openApiDocument(version: string): JsonObject {
  const bridge = bridgeOpenApi();
  const bridgeComponents = bridge.components as { schemas?: JsonObject; securitySchemes?: JsonObject };
  return {
    openapi: '3.1.0',
    info: {
      title: 'amoCRM chat channel backend',
      version,
      description:
        'Widget link API (called by the amoCRM widget with a one-time X-Auth-Token), the amojo webhook, the messenger bridge and operations endpoints.',
    },
    paths: {
      '/api/widget/link': {
        get: widget('Link status of the token’s account', 'LinkStatus'),
        put: {
          ...widget('Link the account to the channel, or update the link', 'LinkPutResponse', '200', 'LinkPutRequest'),
          responses: {
            '200': { description: 'Updated; no new credentials.', ...json('LinkPutResponse') },
            '201': { description: 'Linked; credentials shown once.', ...json('LinkPutResponse') },
            ...linkErrors,
            ...rateLimited,
          },
        },
        delete: widget('Unlink: disconnect at amojo and purge credentials', 'LinkDeleteResponse'),
      },
      '/api/widget/link/rotate': {
        post: limited(widget('Issue a new bridge API key and signing secret', 'LinkRotateResponse')),
      },
      '/api/widget/link/test': {
        post: limited(widget('Send one signed test event to the messenger', 'LinkTestResponse')),
      },
      '/amojo/webhook/{scopeId}': {
        post: {
          summary: 'amojo hooks (message v2, typing, reaction), signed with X-Signature over the raw body',
          parameters: [{ name: 'scopeId', in: 'path', required: true, schema: { type: 'string' } }],
          responses: {
            '200': { description: 'Stored durably (or a harmless repeat).' },
            '400': { description: 'Not JSON or not an amojo hook.' },
            '401': { description: 'signature_invalid.' },
            '403': { description: 'scope_mismatch: account_id is not the scope’s account.' },
            '404': { description: 'unknown_scope.' },
            '413': { description: 'payload_too_large.' },
          },
        },
      },
      '/media/{id}': {
        get: {
          summary: 'A file from a manager message, mirrored from amoCRM; the link comes signed in a bridge event',
          parameters: [
            { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{32}$' } },
            { name: 'expires', in: 'query', required: true, schema: { type: 'integer', description: 'Unix seconds' } },
            { name: 'sig', in: 'query', required: true, schema: { type: 'string' } },
          ],
          responses: {
            '200': { description: 'The file, with the content type amoCRM gave it.' },
            '403': { description: 'media_link_invalid: not a link this server signed.' },
            '404': { description: 'not_found: the file is no longer kept (8 days).' },
            '410': { description: 'media_link_expired: the link is older than 7 days.' },
          },
        },
      },
      '/healthz': { get: { summary: 'Liveness', responses: { '200': { description: 'Up' } } } },
      '/readyz': {
        get: {
          summary: 'Database and workers ready',
          responses: { '200': { description: 'Ready' }, '503': { description: 'Not ready' } },
        },
      },
      '/metrics': {
        get: {
          summary: 'Prometheus metrics; when METRICS_TOKEN is set, only with Authorization: Bearer <METRICS_TOKEN>',
          responses: {
            '200': { description: 'Text exposition format' },
            '401': {
              description: 'metrics_auth_invalid: METRICS_TOKEN is set and the Bearer token is missing or wrong',
            },
          },
        },
      },
      ...bridge.paths,
    },
    webhooks: bridge.webhooks,
    components: {
      securitySchemes: {
        amocrmOneTimeToken: { type: 'apiKey', in: 'header', name: 'X-Auth-Token' },
        ...bridgeComponents.securitySchemes,
      },
      schemas: {
        LinkStatus: schemaOf(linkStatusSchema, 'output'),
        LinkPutRequest: schemaOf(linkPutRequestSchema),
        LinkPutResponse: schemaOf(linkPutResponseSchema, 'output'),
        LinkRotateResponse: schemaOf(linkRotateResponseSchema, 'output'),
        LinkDeleteResponse: schemaOf(linkDeleteResponseSchema, 'output'),
        LinkTestResponse: schemaOf(linkTestResponseSchema, 'output'),
        LinkError: schemaOf(linkErrorBodySchema, 'output'),
        ...bridgeComponents.schemas,
      },
    },
  };
}
