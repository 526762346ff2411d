import fc from 'fast-check';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hashApiKey } from '../../src/store/api-key-hash';
import { rotateLinkCredentials, unlinkAccount } from '../../src/store/links-repo';
import { type BridgeHarness, messageBody, startBridgeHarness } from './helpers/bridge-harness';

let h: BridgeHarness;
beforeEach(async () => {
  h = await startBridgeHarness({ limits: { bodyBytes: 4096, historyBodyBytes: 8192 } });
});
afterEach(async () => {
  await h.close();
});

interface ErrorBody {
  error: { code: string; message: string; issues?: { path: string; message: string }[] };
}

async function expectError(res: Response, status: number, code: string): Promise<ErrorBody> {
  const body = (await res.json()) as ErrorBody;
  expect([res.status, body.error.code]).toEqual([status, code]);
  expect(body.error.message).not.toBe('');
  return body;
}

const postRoutes = [
  '/bridge/v1/messages',
  '/bridge/v1/messages/m-1/edit',
  '/bridge/v1/typing',
  '/bridge/v1/reactions',
  '/bridge/v1/receipts',
  '/bridge/v1/history-imports',
];

describe('bridge authentication', () => {
  it.each(postRoutes)('%s: 401 auth_missing without a key, auth_invalid with a wrong one', async (path) => {
    await expectError(await h.post(path, messageBody(), null), 401, 'auth_missing');
    await expectError(await h.post(path, messageBody(), 'not-the-key'), 401, 'auth_invalid');
    await expectError(
      await h.post(path, messageBody(), null, { authorization: `Basic ${h.a.apiKey}` }),
      401,
      'auth_invalid',
    );
    expect(await h.jobs()).toHaveLength(0);
  });

  it('GET history import status needs the key too', async () => {
    const res = await h.app.request('/bridge/v1/history-imports/imp-1');
    await expectError(res, 401, 'auth_missing');
  });

  it('authenticates before looking at the content type or the body', async () => {
    await expectError(
      await h.post('/bridge/v1/messages', 'not json', null, { 'content-type': 'text/plain' }),
      401,
      'auth_missing',
    );
  });

  it('refuses a rotated-away key and accepts the new one', async () => {
    await rotateLinkCredentials(
      h.db,
      h.a.accountId,
      { bridgeKeyHash: hashApiKey('new-key-123'), signingSecretEnc: 'v1.x' },
      h.clock.now,
    );
    await expectError(await h.post('/bridge/v1/messages', messageBody()), 401, 'auth_invalid');
    expect((await h.post('/bridge/v1/messages', messageBody(), 'new-key-123')).status).toBe(202);
  });

  // The message route remembers keys that passed (authenticate-bridge.ts); these warm that memory first, so each
  // refusal below comes from the committer's re-check inside its write transaction.
  describe('a key the message route remembers', () => {
    beforeEach(async () => {
      expect((await h.post('/bridge/v1/messages', messageBody({ id: 'warm' }))).status).toBe(202);
    });

    it('is refused once rotated away, and the new key is accepted', async () => {
      await rotateLinkCredentials(
        h.db,
        h.a.accountId,
        { bridgeKeyHash: hashApiKey('new-key-456'), signingSecretEnc: 'v1.x' },
        h.clock.now,
      );
      await expectError(await h.post('/bridge/v1/messages', messageBody()), 401, 'auth_invalid');
      expect((await h.post('/bridge/v1/messages', messageBody(), 'new-key-456')).status).toBe(202);
      expect(await h.jobs('amojo.new_message')).toHaveLength(2);
    });

    it('answers not_linked once the link lost its scope, and account_not_installed once parked', async () => {
      await sql`update links set scope_id = null where id = ${h.a.id}`.execute(h.db);
      await expectError(await h.post('/bridge/v1/messages', messageBody()), 404, 'not_linked');
      await sql`update links set scope_id = ${'s'}, parked_at = ${h.clock.now} where id = ${h.a.id}`.execute(h.db);
      await expectError(await h.post('/bridge/v1/messages', messageBody()), 409, 'account_not_installed');
      expect(await h.jobs('amojo.new_message')).toHaveLength(1);
    });

    it('goes on accepting after a change that keeps the key valid', async () => {
      await sql`update links set title = ${'Renamed'} where id = ${h.a.id}`.execute(h.db);
      expect((await h.post('/bridge/v1/messages', messageBody())).status).toBe(202);
      expect(await h.jobs('amojo.new_message')).toHaveLength(2);
    });
  });

  it('refuses a key after unlinking (credentials purged) and answers not_linked for a key without a scope', async () => {
    await sql`update links set scope_id = null where id = ${h.a.id}`.execute(h.db);
    await expectError(await h.post('/bridge/v1/messages', messageBody()), 404, 'not_linked');
    await unlinkAccount(h.db, h.b.accountId, h.clock.now);
    await expectError(await h.post('/bridge/v1/messages', messageBody(), h.b.apiKey), 401, 'auth_invalid');
    expect(await h.jobs()).toHaveLength(0);
  });
});

describe('methods', () => {
  it.each([
    ['GET', '/bridge/v1/messages', 'POST'],
    ['PUT', '/bridge/v1/messages/m-1/edit', 'POST'],
    ['GET', '/bridge/v1/receipts', 'POST'],
    ['DELETE', '/bridge/v1/history-imports/imp-1', 'GET'],
  ])('answers %s %s 405 with Allow: %s', async (method, path, allow) => {
    const res = await h.app.request(path, { method });
    expect(res.headers.get('allow')).toBe(allow);
    await expectError(res, 405, 'method_not_allowed');
  });
});

describe('bridge request checks, in order', () => {
  it('415 without a JSON content type (before size and JSON)', async () => {
    const big = 'x'.repeat(10_000);
    await expectError(
      await h.post('/bridge/v1/messages', big, undefined, { 'content-type': 'text/plain' }),
      415,
      'unsupported_media_type',
    );
    expect(
      (
        await h.post('/bridge/v1/messages', messageBody(), undefined, {
          'content-type': 'application/json; charset=utf-8',
        })
      ).status,
    ).toBe(202);
  });

  it('413 over the limit (before JSON), with the larger limit for history imports', async () => {
    const big = JSON.stringify(messageBody({ message: { type: 'text', text: 'x'.repeat(5000) } }));
    await expectError(await h.post('/bridge/v1/messages', big), 413, 'payload_too_large');
    await expectError(await h.post('/bridge/v1/messages', `{${' '.repeat(5000)}`), 413, 'payload_too_large');
    const history = {
      import_id: 'imp-1',
      conversation: { id: 'c' },
      client: { id: 'u', name: 'A' },
      final: true,
      messages: [
        { id: 'h1', direction: 'in', sent_at: 1_767_000_000_000, message: { type: 'text', text: 'x'.repeat(5000) } },
      ],
    };
    expect((await h.post('/bridge/v1/history-imports', history)).status).toBe(202);
  });

  it('413 from the streamed size too, when no Content-Length announces it', async () => {
    const text = JSON.stringify(messageBody({ message: { type: 'text', text: 'y'.repeat(6000) } }));
    const chunks = [text.slice(0, 3000), text.slice(3000)].map((part) => new TextEncoder().encode(part));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks) controller.enqueue(chunk);
        controller.close();
      },
    });
    const request = new Request('http://localhost/bridge/v1/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${h.a.apiKey}` },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(request.headers.get('content-length')).toBeNull();
    await expectError(await h.app.request(request), 413, 'payload_too_large');
  });

  it('400 for malformed JSON and for invalid UTF-8', async () => {
    const body = await expectError(await h.post('/bridge/v1/messages', '{"id": '), 400, 'invalid_request');
    expect(body.error.issues).toBeUndefined();
    const res = await h.app.request('/bridge/v1/messages', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${h.a.apiKey}` },
      body: new Uint8Array([0x7b, 0xff, 0x7d]),
    });
    await expectError(res, 400, 'invalid_request');
  });

  it('400 naming each bad field path', async () => {
    const res = await h.post(
      '/bridge/v1/messages',
      messageBody({
        conversation: { id: '' },
        sender: { id: 'u', name: 'A', avatar: 'javascript:alert(1)' },
        message: { type: 'picture', url: 'https://cdn.example/a.jpg' },
        sent_at: 1_700_000_000,
        extra: true,
      }),
    );
    const body = await expectError(res, 400, 'invalid_request');
    const paths = body.error.issues?.map((i) => i.path);
    expect(paths).toEqual(
      expect.arrayContaining([
        'conversation.id',
        'sender.avatar',
        'message.file_name',
        'message.file_size',
        'sent_at',
        'extra',
      ]),
    );
    expect(JSON.stringify(body)).not.toContain('javascript');
  });

  it('400 for an unknown message type, naming message.type', async () => {
    const body = await expectError(
      await h.post('/bridge/v1/messages', messageBody({ message: { type: 'gif' } })),
      400,
      'invalid_request',
    );
    expect(body.error.issues?.[0]?.path).toBe('message.type');
  });

  it('400 naming the field for NUL or a lone surrogate, which the database cannot keep, and stores nothing', async () => {
    const refused = 'must not contain NUL or unpaired surrogate characters';
    const cases: [string, unknown, string][] = [
      ['/bridge/v1/messages', messageBody({ conversation: { id: 'c\u0000' } }), 'conversation.id'],
      ['/bridge/v1/messages', messageBody({ sender: { id: 'u', name: 'A\u0000n' } }), 'sender.name'],
      // SQLite stores both as U+FFFD: the second used to be a "duplicate" of the first, and was dropped.
      ['/bridge/v1/messages', messageBody({ id: '\ud800' }), 'id'],
      ['/bridge/v1/messages', messageBody({ id: '\udc00' }), 'id'],
      ['/bridge/v1/typing', { conversation: { id: 'c\u0000' }, sender: { id: 'u' } }, 'conversation.id'],
      [
        '/bridge/v1/reactions',
        { id: 'r\u0000', sender: { id: 'u' }, message: { id: 'm' }, type: 'react', emoji: '👍' },
        'id',
      ],
    ];
    for (const [path, body, field] of cases) {
      const answer = await expectError(await h.post(path, body), 400, 'invalid_request');
      expect(answer.error.issues, `${path} ${field}`).toEqual([{ path: field, message: refused }]);
    }
    const status = await expectError(await h.get('/bridge/v1/history-imports/a%00b'), 400, 'invalid_request');
    expect(status.error.issues?.map((i) => i.path)).toEqual(['id']);
    expect(await h.jobs()).toHaveLength(0);
  });

  it('400 for a path id that is too long', async () => {
    const res = await h.post(`/bridge/v1/messages/${'x'.repeat(300)}/edit`, { message: { type: 'text', text: 'x' } });
    await expectError(res, 400, 'invalid_request');
  });
});

describe('cross-link isolation', () => {
  it("link B's key cannot edit, react to or receipt link A's messages", async () => {
    expect((await h.post('/bridge/v1/messages', messageBody())).status).toBe(202);
    await expectError(
      await h.post('/bridge/v1/messages/m-1/edit', { message: { type: 'text', text: 'hijack' } }, h.b.apiKey),
      404,
      'not_found',
    );
    await expectError(
      await h.post(
        '/bridge/v1/reactions',
        { sender: { id: 'u' }, message: { id: 'm-1' }, type: 'react', emoji: '👍' },
        h.b.apiKey,
      ),
      404,
      'not_found',
    );
    await expectError(
      await h.post('/bridge/v1/receipts', { message: { id: 'm-1' }, status: 'read' }, h.b.apiKey),
      404,
      'not_found',
    );
    const typing = await h.post(
      '/bridge/v1/typing',
      { conversation: { id: 'conv-1' }, sender: { id: 'user-1' } },
      h.b.apiKey,
    );
    expect(await typing.json()).toEqual({ accepted: true, id: 'conv-1', duplicate: false, ignored: true });
    expect((await h.jobs()).map((j) => j.linkId)).toEqual([h.a.id]);
  });

  it("link B cannot read link A's history import", async () => {
    const history = {
      import_id: 'imp-1',
      conversation: { id: 'c' },
      client: { id: 'u', name: 'A' },
      final: true,
      messages: [{ id: 'h1', direction: 'in', sent_at: 1_767_000_000_000, message: { type: 'text', text: 'x' } }],
    };
    expect((await h.post('/bridge/v1/history-imports', history)).status).toBe(202);
    expect((await h.get('/bridge/v1/history-imports/imp-1')).status).toBe(200);
    await expectError(await h.get('/bridge/v1/history-imports/imp-1', h.b.apiKey), 404, 'not_found');
  });
});

describe('never a 5xx', () => {
  it('answers random JSON bodies on every route with 202 or a 4xx (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...postRoutes), fc.jsonValue(), async (path, value) => {
        const res = await h.post(path, JSON.stringify(value));
        expect(res.status).toBeLessThan(500);
        expect([202, 400, 404, 409]).toContain(res.status);
      }),
      { numRuns: 150 },
    );
  });

  it('answers random near-valid message bodies with 202 or a 4xx (property)', async () => {
    const content = fc.oneof(
      fc.record({ type: fc.constantFrom('text', 'sticker', 'location', 'contact', 'picture'), text: fc.string() }),
      fc.record({ type: fc.constant('location'), lat: fc.double(), lon: fc.double() }),
      fc.record({ type: fc.constant('sticker'), sticker_id: fc.string(), url: fc.webUrl() }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.string(),
        fc.string(),
        content,
        fc.option(fc.oneof(fc.string(), fc.integer())),
        async (id, name, message, sentAt) => {
          const body = messageBody({
            id,
            sender: { id: 'u', name },
            message,
            ...(sentAt === null ? {} : { sent_at: sentAt }),
          });
          const res = await h.post('/bridge/v1/messages', body);
          expect([202, 400, 409]).toContain(res.status);
        },
      ),
      { numRuns: 150 },
    );
  });
});
