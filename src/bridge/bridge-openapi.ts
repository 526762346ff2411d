import { z } from 'zod/mini';
import {
  bridgeAccepted,
  bridgeConversationStatus,
  bridgeDeliveryResponse,
  bridgeEditRequest,
  bridgeErrorBody,
  bridgeHistoryImportRequest,
  bridgeHistoryImportStatus,
  bridgeMe,
  bridgeMessageRequest,
  bridgeMessageStatus,
  bridgeOutboundEvent,
  bridgeReactionRequest,
  bridgeReceiptRequest,
  bridgeTypingRequest,
} from '../contracts/bridge';
import { defaultBridgeLimits } from './bridge-deps';

type JsonObject = Record<string, unknown>;

/** JSON Schema (2020-12, which OpenAPI 3.1 uses) of a contract; refinements are described in prose instead. */
export function schemaOf(schema: z.core.$ZodType, io: 'input' | 'output' = 'input'): JsonObject {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { unrepresentable: 'any', io }) as JsonObject;
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const json = (name: string) => ({ content: { 'application/json': { schema: ref(name) } } });

const errors = {
  '400': { description: 'Not JSON, or the body does not match; `issues` names each field.', ...json('BridgeError') },
  '401': { description: 'auth_missing or auth_invalid (a wrong or rotated-away key).', ...json('BridgeError') },
  '404': {
    description: 'not_linked, or not_found (an unknown message, never another link’s).',
    ...json('BridgeError'),
  },
  '409': {
    description:
      'idempotency_conflict: the id was used before with a different body; conversation_id_taken: the request ' +
      'would start a conversation under an id another number of the same amoCRM account already uses (conversation ' +
      'ids must be unique across all of the account’s numbers); or account_not_installed: the amoCRM account ' +
      'removed the integration, so nothing is accepted until an admin installs it again.',
    ...json('BridgeError'),
  },
  '413': { description: 'payload_too_large (256 KB; 2 MB for history imports).', ...json('BridgeError') },
  '415': { description: 'unsupported_media_type: send Content-Type: application/json.', ...json('BridgeError') },
  '429': {
    description:
      `rate_limited: more than ${defaultBridgeLimits.requestsPerSecond} requests of this API key (all endpoints ` +
      'together) within one second, counted across every instance (the default). Wait Retry-After seconds, then ' +
      'retry with the same body.',
    headers: {
      'Retry-After': { description: 'Seconds to wait.', schema: { type: 'integer', minimum: 0 } },
    },
    ...json('BridgeError'),
  },
};

function write(summary: string, body: string, description: string): JsonObject {
  return {
    summary,
    description,
    security: [{ bridgeApiKey: [] }],
    requestBody: { required: true, ...json(body) },
    responses: {
      '202': { description: 'Durably queued (or a harmless repeat).', ...json('BridgeAccepted') },
      ...errors,
    },
  };
}

const timestampHeader = {
  description: 'Unix seconds when we signed.',
  schema: { type: 'string', pattern: '^\\d+$' },
};

/** The headers of a signed answer of ours (/me): signed for another purpose than a delivery, so never one. */
const responseSignatureHeaders = {
  'X-Channel-Timestamp': timestampHeader,
  'X-Channel-Response-Signature': {
    description: '"sha256=" + hex HMAC-SHA256(signing secret, "response." + X-Channel-Timestamp + "." + raw body).',
    schema: { type: 'string', pattern: '^sha256=[0-9a-f]{64}$' },
  },
};

const messengerId = {
  name: 'id',
  in: 'path',
  required: true,
  schema: { type: 'string', minLength: 1, maxLength: 255 },
};

/**
 * The bridge's part of /openapi.json (OpenAPI 3.1): the inbound paths, the outbound deliveries as `webhooks`, and the
 * schemas, generated from the same zod contracts the routes validate with, so the document cannot drift from them.
 * Merge `paths`, `webhooks` and `components` into the server's document.
 */
export function bridgeOpenApi(): { paths: JsonObject; webhooks: JsonObject; components: JsonObject } {
  return {
    paths: {
      '/bridge/v1/me': {
        get: {
          summary: 'The link this API key belongs to',
          description:
            'Checks a pasted API key (200 or 401) and signing secret: the answer is signed with it (with a ' +
            '"response." prefix, so it never passes as a delivery), and a signature that does not verify with your ' +
            'secret means the secret is stale or wrong.',
          security: [{ bridgeApiKey: [] }],
          responses: {
            '200': { description: 'The link.', headers: responseSignatureHeaders, ...json('BridgeMe') },
            '401': errors['401'],
            '404': { description: 'not_linked: the account is no longer connected.', ...json('BridgeError') },
            '429': errors['429'],
          },
        },
      },
      '/bridge/v1/messages': {
        post: write('A client wrote', 'BridgeMessageRequest', 'Idempotent on `id` (the messenger’s message id).'),
      },
      '/bridge/v1/messages/{id}': {
        get: {
          summary: 'What became of a client message',
          description: '`queued` until amoCRM has it, then `sent` (with amoCRM’s `message_id`), or `failed`.',
          security: [{ bridgeApiKey: [] }],
          parameters: [messengerId],
          responses: {
            '200': { description: 'The status.', ...json('BridgeMessageStatus') },
            '400': { description: 'The id in the path is not a message id.', ...json('BridgeError') },
            '401': errors['401'],
            '404': errors['404'],
            '429': errors['429'],
          },
        },
      },
      '/bridge/v1/messages/{id}/edit': {
        post: {
          ...write('A client edited a message', 'BridgeEditRequest', 'Edits never notify.'),
          parameters: [messengerId],
        },
      },
      '/bridge/v1/typing': {
        post: write('A client is typing', 'BridgeTypingRequest', 'At most one call per conversation every 3 s.'),
      },
      '/bridge/v1/reactions': {
        post: write('A client reacted', 'BridgeReactionRequest', 'Idempotent on the optional `id`.'),
      },
      '/bridge/v1/receipts': {
        post: write('Delivered / read / failed', 'BridgeReceiptRequest', 'Never moves a status backwards.'),
      },
      '/bridge/v1/history-imports': {
        post: write('Import one batch of history', 'BridgeHistoryImportRequest', 'Oldest first, ≤ 100 messages.'),
      },
      '/bridge/v1/conversations/{id}': {
        get: {
          summary: 'A conversation’s amoCRM chat and contact',
          description:
            '`id` is the messenger’s conversation id. `amojo_chat_id` is amoCRM’s chat id once known; `contact.state` ' +
            'says what became of the conversation’s contact hint: none, pending, bound (with `contact.id`), ' +
            'not_found, ambiguous (several contacts matched; nothing bound), failed, or crm (a manager started the ' +
            'chat on a contact in amoCRM).',
          security: [{ bridgeApiKey: [] }],
          parameters: [messengerId],
          responses: {
            '200': { description: 'The conversation.', ...json('BridgeConversationStatus') },
            '400': { description: 'The id in the path is not a conversation id.', ...json('BridgeError') },
            '401': errors['401'],
            '404': {
              description: 'not_linked, or not_found (no such conversation on this link).',
              ...json('BridgeError'),
            },
            '429': errors['429'],
          },
        },
      },
      '/bridge/v1/history-imports/{id}': {
        get: {
          summary: 'Progress of a history import',
          security: [{ bridgeApiKey: [] }],
          parameters: [{ ...messengerId, schema: { type: 'string', pattern: '^[A-Za-z0-9._-]{1,64}$' } }],
          responses: {
            '200': { description: 'Progress.', ...json('BridgeHistoryImportStatus') },
            '401': errors['401'],
            '404': errors['404'],
            '429': errors['429'],
          },
        },
      },
    },
    webhooks: {
      bridgeDelivery: {
        post: {
          summary: 'What we POST to the link’s webhook URL',
          description:
            'Signed: X-Channel-Signature = "sha256=" + hex HMAC-SHA256(signing secret, X-Channel-Timestamp + "." + raw body). ' +
            'Reject timestamps older than 5 minutes. Answer any 2xx; the body may name your ids.',
          parameters: [
            {
              name: 'X-Channel-Timestamp',
              in: 'header',
              required: true,
              schema: { type: 'string', pattern: '^\\d+$' },
            },
            {
              name: 'X-Channel-Signature',
              in: 'header',
              required: true,
              schema: { type: 'string', pattern: '^sha256=[0-9a-f]{64}$' },
            },
          ],
          requestBody: { required: true, ...json('BridgeOutboundEvent') },
          responses: { '2XX': { description: 'Taken.', ...json('BridgeDeliveryResponse') } },
        },
      },
    },
    components: {
      securitySchemes: { bridgeApiKey: { type: 'http', scheme: 'bearer', description: 'The link’s bridge API key.' } },
      schemas: {
        BridgeMessageRequest: schemaOf(bridgeMessageRequest),
        BridgeEditRequest: schemaOf(bridgeEditRequest),
        BridgeTypingRequest: schemaOf(bridgeTypingRequest),
        BridgeReactionRequest: schemaOf(bridgeReactionRequest),
        BridgeReceiptRequest: schemaOf(bridgeReceiptRequest),
        BridgeHistoryImportRequest: schemaOf(bridgeHistoryImportRequest),
        BridgeHistoryImportStatus: schemaOf(bridgeHistoryImportStatus, 'output'),
        BridgeAccepted: schemaOf(bridgeAccepted, 'output'),
        BridgeMe: schemaOf(bridgeMe, 'output'),
        BridgeMessageStatus: schemaOf(bridgeMessageStatus, 'output'),
        BridgeConversationStatus: schemaOf(bridgeConversationStatus, 'output'),
        BridgeError: schemaOf(bridgeErrorBody, 'output'),
        BridgeOutboundEvent: schemaOf(bridgeOutboundEvent, 'output'),
        BridgeDeliveryResponse: schemaOf(bridgeDeliveryResponse),
      },
    },
  };
}
