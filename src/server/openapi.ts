import { bridgeOpenApi, schemaOf } from '../bridge/bridge-openapi';
import {
  linkCreateRequestSchema,
  linkDeleteResponseSchema,
  linkErrorBodySchema,
  linkErrorStatus,
  linkIssuedResponseSchema,
  linkItemResponseSchema,
  linkListResponseSchema,
  linkPutRequestSchema,
  linkPutResponseSchema,
  linkRemovedResponseSchema,
  linkRotateResponseSchema,
  linkStatusSchema,
  linkTestResponseSchema,
  linkUpdateRequestSchema,
  maxLinksPerAccount,
  pipelineListResponseSchema,
} from '../contracts/link';

type JsonObject = Record<string, unknown>;

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: string) => ({ content: { 'application/json': { schema: ref(name) } } });
// What a code means where its name alone does not say; the rest are listed by name.
const codeNotes: Partial<Record<string, string>> = {
  account_not_installed:
    'account_not_installed: the backend holds no working installation (OAuth grant) for the token’s account: ' +
    'never installed, removed, or its refresh token was refused. `error.grant_url` opens amoCRM’s access popup',
  admin_required:
    'admin_required: the token’s user is not an admin of the account (amoCRM’s users API, `rights.is_admin`)',
  amojo_id_mismatch:
    'amojo_id_mismatch: the body’s amojo_id is not the one amoCRM reports for the account (GET /api/v4/account)',
  amojo_id_taken:
    'amojo_id_taken: the amojo id is bound to another account by a claim made before installations were checked; ' +
    'the operator frees it with `npm run accounts -- release-amojo <amojo_id>`',
};
// Every code the link API can answer with, grouped by status: generated, so a new code cannot be left out here.
const codesByStatus = new Map<number, string[]>();
for (const [code, status] of Object.entries(linkErrorStatus)) {
  codesByStatus.set(status, [...(codesByStatus.get(status) ?? []), code]);
}
const linkErrors = Object.fromEntries(
  [...codesByStatus].map(([status, codes]) => [
    String(status),
    {
      description: `${codes.map((code) => codeNotes[code] ?? code).join('; ')}.`,
      ...json('LinkError'),
    },
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
// Every change passes the installation gate: 409 account_not_installed, then 403 admin_required (require-link-admin.ts).
const ADMIN_ONLY = ' Admins of an account with an active installation only.';

const limited = (operation: JsonObject): JsonObject => ({
  ...operation,
  responses: { ...(operation.responses as JsonObject), ...rateLimited },
});

// The single-link paths stay for one release and act on the account's primary (oldest live) number; every answer
// carries `Deprecation: true` and `Link: </api/widget/links>; rel="successor-version"`.
const DEPRECATED = ' Deprecated: acts on the account’s first number; use /api/widget/links.';
const deprecated = (operation: JsonObject): JsonObject => ({
  ...operation,
  summary: `${operation.summary as string}${DEPRECATED}`,
  deprecated: true,
});
const linkId = [
  {
    name: 'id',
    in: 'path',
    required: true,
    description: 'The number’s link id, also its amoCRM source’s external_id.',
    schema: { type: 'string' },
  },
];
const byId = (operation: JsonObject): JsonObject => ({ ...operation, parameters: linkId });

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
        // GET refuses no user of the account: it reports the installation's state rather than answering 409 or 403.
        get: deprecated(
          widget(
            'Link status of the token’s account, its installation (with a grant_url unless active) and the viewer; ' +
              'webhook_url only for admins. Open to every user of the account.',
            'LinkStatus',
          ),
        ),
        put: deprecated({
          ...widget(
            `Link the account to the channel, or update the link.${ADMIN_ONLY} The amojo_id must be the one amoCRM reports for the account.`,
            'LinkPutResponse',
            '200',
            'LinkPutRequest',
          ),
          responses: {
            '200': { description: 'Updated; no new credentials.', ...json('LinkPutResponse') },
            '201': { description: 'Linked; credentials shown once.', ...json('LinkPutResponse') },
            ...linkErrors,
            ...rateLimited,
          },
        }),
        delete: deprecated(
          widget(`Unlink: disconnect at amojo and purge credentials.${ADMIN_ONLY}`, 'LinkDeleteResponse'),
        ),
      },
      '/api/widget/link/rotate': {
        post: deprecated(
          limited(widget(`Issue a new bridge API key and signing secret.${ADMIN_ONLY}`, 'LinkRotateResponse')),
        ),
      },
      '/api/widget/link/test': {
        post: deprecated(
          limited(widget(`Send one signed test event to the messenger.${ADMIN_ONLY}`, 'LinkTestResponse')),
        ),
      },
      '/api/widget/links': {
        get: widget(
          'The account’s live numbers, oldest (primary) first, with the installation and the viewer; webhook_url ' +
            'only for admins. Open to every user of the account.',
          'LinkList',
        ),
        post: limited(
          widget(
            `Add a number: its own credentials (shown once) and amoCRM source, routed to pipeline_id (null: the main ` +
              `pipeline).${ADMIN_ONLY} The amojo_id must be the one amoCRM reports for the account; at most ` +
              `${maxLinksPerAccount} live numbers (409 link_limit_reached); pipeline_id must be an active pipeline ` +
              '(422 pipeline_not_found).',
            'LinkIssued',
            '201',
            'LinkCreateRequest',
          ),
        ),
      },
      '/api/widget/links/{id}': {
        get: byId(
          widget('One live number; webhook_url only for admins. Open to every user of the account.', 'LinkItem'),
        ),
        put: byId(
          limited(
            widget(
              `Change a number’s title, webhook URL, time-window flag and pipeline; its credentials stay.${ADMIN_ONLY}`,
              'LinkItem',
              '200',
              'LinkUpdateRequest',
            ),
          ),
        ),
        delete: byId(
          widget(
            `Unlink a number and remove its amoCRM source; the scope is disconnected at amojo with the last number. ` +
              `Repeatable.${ADMIN_ONLY}`,
            'LinkRemoved',
          ),
        ),
      },
      '/api/widget/links/{id}/rotate': {
        post: byId(limited(widget(`Issue the number a new API key and signing secret.${ADMIN_ONLY}`, 'LinkIssued'))),
      },
      '/api/widget/links/{id}/test': {
        post: byId(
          limited(widget(`Send one signed test event to the number’s webhook URL.${ADMIN_ONLY}`, 'LinkTestResponse')),
        ),
      },
      '/api/widget/pipelines': {
        get: widget(
          'The account’s active pipelines, the main one first, as amoCRM lists them (cached for a minute). Open to ' +
            'every user of the account.',
          'PipelineList',
        ),
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
      '/amocrm/oauth': {
        get: {
          summary:
            'amoCRM’s OAuth redirect (the path of AMOCRM_REDIRECT_URI): the widget-install webhook and the access ' +
            'popup. The referer must be an amoCRM/Kommo account host; the code is exchanged there by a worker',
          parameters: ['code', 'referer', 'state', 'from_widget', 'platform', 'error'].map((name) => ({
            name,
            in: 'query',
            required: false,
            schema: { type: 'string' },
          })),
          responses: {
            '200': {
              description:
                'JSON `{outcome: "queued", ok: true}` for the install webhook; for a browser, a page with the ' +
                'outcome (granted, pending), posted to the opener in post_message mode',
            },
            '400': { description: 'referer_invalid, state_invalid, code_missing, code_refused or account_mismatch.' },
            '403': { description: 'access_denied (the user refused) or not_admin (only admins may grant).' },
          },
        },
      },
      '/amocrm/disconnect': {
        get: {
          summary:
            'amoCRM’s disconnect hook: HMAC-SHA256 of "<client_id>|<account_id>" under the integration secret. ' +
            'Removes the installation, parks the link and its jobs, and disconnects the scope at amojo',
          parameters: ['account_id', 'client_uuid', 'signature'].map((name) => ({
            name,
            in: 'query',
            required: true,
            schema: { type: 'string' },
          })),
          responses: {
            '200': { description: 'Recorded durably: `{status: "ok", removed, parked_jobs}`.' },
            '400': { description: 'invalid_request: a field is missing or account_id is not a plain number.' },
            '401': { description: 'signature_invalid: not signed by this integration; nothing changed.' },
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
        LinkList: schemaOf(linkListResponseSchema, 'output'),
        LinkCreateRequest: schemaOf(linkCreateRequestSchema),
        LinkUpdateRequest: schemaOf(linkUpdateRequestSchema),
        LinkIssued: schemaOf(linkIssuedResponseSchema, 'output'),
        LinkItem: schemaOf(linkItemResponseSchema, 'output'),
        LinkRemoved: schemaOf(linkRemovedResponseSchema, 'output'),
        PipelineList: schemaOf(pipelineListResponseSchema, 'output'),
        LinkError: schemaOf(linkErrorBodySchema, 'output'),
        ...bridgeComponents.schemas,
      },
    },
  };
}
