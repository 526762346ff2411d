import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { z } from 'zod/mini';
import {
  amojoErrorBody,
  connectRequest,
  connectResponse,
  createChatRequest,
  deliveryStatusRequest,
  disconnectRequest,
  emulatorErrorBody,
  formatIssues,
  historyQuery,
  reactRequest,
  typingRequest,
} from '../../../src/contracts/amojo';

function issues(schema: z.core.$ZodType, value: unknown) {
  const result = z.safeParse(schema, value);
  return result.success ? [] : formatIssues(result.error, value);
}

/** Body bytes of the docs' signed examples (chats-api §2.2), with the Content-MD5 the docs show for them. */
const golden = [
  {
    name: 'connect',
    schema: connectRequest,
    body: '{"account_id":"52e591f7-c98f-4255-8495-827210138c81","title":"ChatsIntegration","hook_api_version":"v2"}',
    md5: '2fbcb3c652b61e24e004daddfc73d0ce',
  },
  {
    name: 'disconnect',
    schema: disconnectRequest,
    body: '{"account_id":"52e591f7-c98f-4255-8495-827210138c81"}',
    md5: '271fa2e4fb0ff84a3ef9689027bd1f38',
  },
  {
    name: 'typing',
    schema: typingRequest,
    body: '{"conversation_id":"my_int-d5a421f7f218","sender":{"id":"my_int-1376265f-86df-4c49-a0c3-a4816df41af8"}}',
    md5: '255a22566d68be207fa36804e78a523a',
  },
  {
    name: 'delivery_status',
    schema: deliveryStatusRequest,
    body: '{"msgid":"079e44fb-fc22-476b-9e8a-421b688ec53b","delivery_status":2,"error_code":905,"error":"Error text"}',
    md5: 'a0bbbac729c6341f0a521e2db7a8a236',
  },
];

describe('golden request bodies of chats-api §2.2', () => {
  for (const vector of golden) {
    it(`${vector.name}: the exact signed bytes parse with the request schema`, () => {
      expect(createHash('md5').update(vector.body).digest('hex')).toBe(vector.md5);
      expect(issues(vector.schema, JSON.parse(vector.body))).toEqual([]);
    });
  }
});

describe('connect / disconnect', () => {
  const connect = { account_id: 'af9945ff-1490-4cad-807d-945c15d88bec', hook_api_version: 'v2' };

  it('requires hook_api_version, because amojo would default to the deprecated v1', () => {
    expect(issues(connectRequest, connect)).toEqual([]);
    expect(issues(connectRequest, { account_id: connect.account_id })).toEqual([
      { path: 'hook_api_version', message: 'required (one of "v1", "v2")' },
    ]);
    expect(issues(connectRequest, { ...connect, hook_api_version: 'v3' })[0]?.path).toBe('hook_api_version');
  });

  it('rejects null title (a peer sends it; omit instead) and unknown keys', () => {
    expect(issues(connectRequest, { ...connect, title: null })).toEqual([
      { path: 'title', message: 'expected string, got null' },
    ]);
    expect(issues(connectRequest, { ...connect, scope_id: 'x' })).toEqual([
      { path: 'scope_id', message: 'unknown field' },
    ]);
    expect(issues(disconnectRequest, { account_id: 'a', title: 't' })).toEqual([
      { path: 'title', message: 'unknown field' },
    ]);
  });

  it('reads a connect answer with extra fields but insists on scope_id', () => {
    const answer = { ...connect, scope_id: 'chan_acc', title: 'T', hook_api_version: 'v2', new_field: true };
    expect(z.parse(connectResponse, answer).scope_id).toBe('chan_acc');
    expect(issues(connectResponse, { account_id: 'a' })[0]?.path).toBe('scope_id');
  });
});

describe('createChatRequest', () => {
  it('accepts a minimal chat and rejects the account_id the PHP sample adds (chats-api §3.6 #12)', () => {
    const chat = { conversation_id: 'c-1', user: { id: 'u-1', name: 'Ann' } };
    expect(issues(createChatRequest, chat)).toEqual([]);
    expect(issues(createChatRequest, { ...chat, account_id: 'a' })).toEqual([
      { path: 'account_id', message: 'unknown field' },
    ]);
    expect(issues(createChatRequest, { ...chat, source: { external_id: '' } })[0]?.path).toBe('source.external_id');
  });
});

describe('deliveryStatusRequest', () => {
  const msgid = '079e44fb-fc22-476b-9e8a-421b688ec53b';

  it('accepts delivered and read without error fields', () => {
    expect(issues(deliveryStatusRequest, { msgid, delivery_status: 1 })).toEqual([]);
    expect(issues(deliveryStatusRequest, { msgid, delivery_status: 2 })).toEqual([]);
  });

  it('needs an error code with -1 and a text with 905', () => {
    expect(issues(deliveryStatusRequest, { msgid, delivery_status: -1 })).toEqual([
      { path: 'error_code', message: 'required when the status is -1 (error)' },
    ]);
    expect(issues(deliveryStatusRequest, { msgid, delivery_status: -1, error_code: 901 })).toEqual([]);
    expect(issues(deliveryStatusRequest, { msgid, delivery_status: -1, error_code: 905, error: ' ' })).toEqual([
      { path: 'error', message: 'error code 905 needs a non-empty error text' },
    ]);
    expect(issues(deliveryStatusRequest, { msgid, delivery_status: -1, error_code: 905, error: 'Blocked' })).toEqual(
      [],
    );
  });

  it('refuses undocumented statuses and codes, strings for numbers, and the status_code spelling', () => {
    expect(issues(deliveryStatusRequest, { msgid, delivery_status: 3 })[0]?.path).toBe('delivery_status');
    expect(issues(deliveryStatusRequest, { msgid, delivery_status: '2' })[0]?.path).toBe('delivery_status');
    expect(issues(deliveryStatusRequest, { msgid, delivery_status: -1, error_code: 906 })[0]?.path).toBe('error_code');
    expect(issues(deliveryStatusRequest, { msgid, delivery_status: 1, status_code: 1 })).toEqual([
      { path: 'status_code', message: 'unknown field' },
    ]);
  });
});

describe('typingRequest', () => {
  it('takes a positive integer duration and nothing else', () => {
    const body = { conversation_id: 'c', sender: { id: 's' } };
    expect(issues(typingRequest, { ...body, duration_ms: 3000 })).toEqual([]);
    expect(issues(typingRequest, { ...body, duration_ms: 0 })).toEqual([
      { path: 'duration_ms', message: 'must be > 0' },
    ]);
    expect(issues(typingRequest, { ...body, duration_ms: 1.5 })[0]?.path).toBe('duration_ms');
    expect(issues(typingRequest, { ...body, sender: { id: 's', name: 'n' } })).toEqual([
      { path: 'sender.name', message: 'unknown field' },
    ]);
  });
});

describe('reactRequest', () => {
  const react = { conversation_id: 'c', id: 'amojo-msg', user: { id: 'u' }, type: 'react', emoji: '👍' };

  it('accepts either chat id and either message id', () => {
    expect(issues(reactRequest, react)).toEqual([]);
    const { conversation_id: _c, id: _i, ...rest } = react;
    expect(issues(reactRequest, { ...rest, conversation_ref_id: 'amojo-chat', msgid: 'ours' })).toEqual([]);
    expect(issues(reactRequest, rest).map((i) => i.path)).toEqual(['conversation_id', 'id']);
  });

  it('requires emoji for react and rejects it for unreact', () => {
    const { emoji: _e, ...bare } = react;
    expect(issues(reactRequest, bare)).toEqual([{ path: 'emoji', message: 'required for type react' }]);
    expect(issues(reactRequest, { ...bare, type: 'unreact' })).toEqual([]);
    expect(issues(reactRequest, { ...react, type: 'unreact' })).toEqual([
      { path: 'emoji', message: 'must be omitted for type unreact' },
    ]);
    expect(issues(reactRequest, { ...react, user: { id: 'u', ref_id: 'manager-amojo-id' } })).toEqual([]);
  });
});

describe('historyQuery', () => {
  it('coerces URL strings and applies the defaults', () => {
    expect(z.parse(historyQuery, {})).toEqual({ offset: 0, limit: 50 });
    expect(z.parse(historyQuery, { offset: '20', limit: '10' })).toEqual({ offset: 20, limit: 10 });
    expect(z.parse(historyQuery, Object.fromEntries(new URLSearchParams('limit=1')))).toEqual({ offset: 0, limit: 1 });
  });

  it('keeps limit within 1..50 and offset a whole number ≥ 0', () => {
    expect(issues(historyQuery, { limit: '51' })).toEqual([{ path: 'limit', message: 'must be <= 50' }]);
    expect(issues(historyQuery, { limit: '0' })).toEqual([{ path: 'limit', message: 'must be >= 1' }]);
    expect(issues(historyQuery, { offset: '-1' })[0]?.path).toBe('offset');
    expect(issues(historyQuery, { offset: '1.5' })[0]?.path).toBe('offset');
    expect(issues(historyQuery, { offset: 'abc' })[0]?.path).toBe('offset');
    expect(issues(historyQuery, { page: '2' })).toEqual([{ path: 'page', message: 'unknown field' }]);
  });
});

describe('error bodies', () => {
  it('reads any JSON object amojo may send with a 400, typed where the inferred fields are present', () => {
    expect(z.safeParse(amojoErrorBody, {}).success).toBe(true);
    const parsed = z.parse(amojoErrorBody, { error_code: 'E1', error_type: 'validation', extra: { a: 1 } });
    expect(parsed.error_type).toBe('validation');
    expect(z.safeParse(amojoErrorBody, { error_description: 42 }).success).toBe(false);
  });

  it('reads every body the emulator may answer with', () => {
    const body = {
      error_code: 400,
      error_type: 'invalid_request',
      error_description: 'payload.message.text: required',
      errors: [{ path: 'payload.message.text', message: 'required (non-empty) for type text' }],
    };
    expect(z.safeParse(emulatorErrorBody, body).success).toBe(true);
    expect(z.parse(amojoErrorBody, body).errors?.[0]?.path).toBe('payload.message.text');
    expect(z.safeParse(emulatorErrorBody, { ...body, error_code: '400' }).success).toBe(false);
  });
});
