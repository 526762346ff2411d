import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signWebhook } from '../../../src/amojo/sign-webhook';
import { createHookPersister } from '../../../src/server/routes/amojo-webhook/create-hook-persister';
import { createScopeLookup } from '../../../src/server/routes/amojo-webhook/create-scope-lookup';
import { createAmojoWebhookNodeHandler } from '../../../src/server/routes/amojo-webhook-node-handler';
import type { Link } from '../../../src/store/links-repo';
import { migrateToLatest } from '../../../src/store/migrations/migrate-to-latest';
import { type OpenedDatabase, openDatabase } from '../../../src/store/open-database';
import { seedLink } from '../../store/helpers/seed-link';
import { CHANNEL_ID, hookFixture, SECRET } from './amojo-webhook-harness';

// The binding start-backend serves hooks with: real sockets, the same core and answers as the hono route.
describe('the amojo webhook on bare node:http', () => {
  let opened: OpenedDatabase;
  let link: Link;
  let server: Server;
  let base: string;
  let persister: ReturnType<typeof createHookPersister>;

  beforeAll(async () => {
    opened = openDatabase('sqlite::memory:');
    await migrateToLatest(opened.db);
    link = await seedLink(opened.db);
    persister = createHookPersister(opened);
    const hooks = createAmojoWebhookNodeHandler({
      channelId: CHANNEL_ID,
      secrets: [SECRET],
      lookupScope: createScopeLookup(opened.db),
      persist: persister.persist,
      maxBodyBytes: 4096,
      timeWindow: { maxAgeMs: Number.MAX_SAFE_INTEGER, maxSkewMs: Number.MAX_SAFE_INTEGER },
    });
    server = createServer((req, res) => {
      if (!hooks(req, res)) res.writeHead(418).end('fallback');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((r) => server.close(() => r()));
    await persister.close();
    await opened.close();
  });

  const post = (body: string, signature = signWebhook(Buffer.from(body), SECRET), scope = link.scopeId!) =>
    fetch(`${base}/amojo/webhook/${encodeURIComponent(scope)}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Signature': signature },
      body,
    });
  const hook = () => JSON.stringify({ ...hookFixture('hook-message-v2-picture'), account_id: link.amojoId });

  it('stores a signed hook before answering 200, once', async () => {
    const body = hook();
    const first = await post(body);
    expect([first.status, await first.json()]).toEqual([200, { status: 'accepted' }]);
    expect(await opened.db.selectFrom('inbox').selectAll().execute()).toHaveLength(1);
    const again = await post(body);
    expect(await again.json()).toEqual({ status: 'duplicate' });
    expect(await opened.db.selectFrom('outbox').selectAll().execute()).toHaveLength(1);
  });

  it('answers the same coded refusals as the app', async () => {
    const bad = await post(hook(), '0'.repeat(40));
    expect([bad.status, (await bad.json()).error.code]).toEqual([401, 'signature_invalid']);
    const big = await post(JSON.stringify({ pad: 'x'.repeat(5000) }));
    expect([big.status, (await big.json()).error.code]).toEqual([413, 'payload_too_large']);
    const scope = await post(hook(), undefined, `${CHANNEL_ID}_nobody`);
    expect([scope.status, (await scope.json()).error.code]).toEqual([404, 'unknown_scope']);
    const junk = await post('{"not":');
    expect([junk.status, (await junk.json()).error.code]).toEqual([400, 'invalid_request']);
  });

  it('refuses a scope with a malformed escape like any unknown scope, and keeps serving', async () => {
    for (const raw of ['%E0%A4%A', `${CHANNEL_ID}_%ZZ`, '%']) {
      const body = hook();
      const res = await fetch(`${base}/amojo/webhook/${raw}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'X-Signature': signWebhook(Buffer.from(body), SECRET) },
        body,
      });
      expect([res.status, (await res.json()).error.code]).toEqual([404, 'unknown_scope']);
    }
    const ok = await post(hook().replace('"id":"', '"id":"after-bad-escape-'));
    expect(ok.status).toBe(200);
  });

  it('answers 413 to an oversized body without waiting for the rest of it', async () => {
    for (const head of ['Content-Length: 100000000', 'Transfer-Encoding: chunked']) {
      const socket = connect(Number(new URL(base).port), '127.0.0.1');
      const answer = new Promise<string>((resolve) => {
        let text = '';
        socket.on('data', (chunk) => {
          text += chunk.toString();
        });
        socket.on('close', () => resolve(text));
      });
      const path = `/amojo/webhook/${link.scopeId}`;
      socket.write(`POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${head}\r\n\r\n`);
      // Chunked: 5,000 bytes in one chunk, then the sender stalls as if 100 MB were still to come.
      if (head.startsWith('Transfer')) socket.write(`1388\r\n${'x'.repeat(5000)}\r\n`);
      else socket.write('{"pad":"');
      const text = await answer;
      expect(text).toMatch(/^HTTP\/1\.1 413 /);
      expect(text).toContain('"payload_too_large"');
    }
  });

  it('leaves every other request to the app', async () => {
    const other = await fetch(`${base}/amojo/webhook`, { method: 'POST' });
    expect([other.status, await other.text()]).toEqual([418, 'fallback']);
    const get = await fetch(`${base}/amojo/webhook/${link.scopeId}`);
    expect(get.status).toBe(418);
  });
});
