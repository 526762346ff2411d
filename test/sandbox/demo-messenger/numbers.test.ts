import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signBridgeDelivery } from '../../../src/bridge/sign-bridge-delivery';
import { bridgePaths } from '../../../src/contracts/bridge';
import { type DemoMessenger, startDemoMessenger } from '../../../src/sandbox/demo-messenger/start-demo-messenger';
import { docEvent, type Json, LINK_ME, START } from './harness';

/** Two links of one account, as the backend holds them: one key and one signing secret each. */
const SALES = { apiKey: 'ck_sales_4f9c2a7d1e8b6c3f0a5d9e2b', signingSecret: 'cs_sales_8c1f4e7a2d9b6c3e0f5a8d1b' };
const SUPPORT = { apiKey: 'ck_supp_1a2b3c4d5e6f7a8b9c0d1e2f', signingSecret: 'cs_supp_0f9e8d7c6b5a4f3e2d1c0b9a' };
const NUMBERS = [
  { id: 'sales', label: 'Sales line' },
  { id: 'support', label: 'Support line' },
];

/** A bridge with two links: `/me` answers for either key, signed with that link's secret; every other call recorded. */
async function startTwoLinkBridge(now: () => number) {
  const calls: { path: string; authorization: string | undefined; body: Json }[] = [];
  const links = [SALES, SUPPORT];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const link = links.find((l) => req.headers.authorization === `Bearer ${l.apiKey}`);
      if (link === undefined) {
        res.writeHead(401, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 'auth_invalid', message: 'The API key is not valid.' } }));
        return;
      }
      if (req.url === bridgePaths.me) {
        const me = Buffer.from(JSON.stringify({ ...LINK_ME, title: link === SALES ? 'Sales' : 'Support' }));
        const signed = signBridgeDelivery({
          secret: link.signingSecret,
          timestamp: Math.floor(now() / 1000),
          body: me,
          context: 'response',
        });
        res.writeHead(200, { 'Content-Type': 'application/json', ...signed }).end(me);
        return;
      }
      const body = text === '' ? undefined : JSON.parse(text);
      calls.push({ path: req.url ?? '', authorization: req.headers.authorization, body });
      res.writeHead(202, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ accepted: true, id: body?.id ?? 'x', duplicate: false }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A manager wrote first to +79151112233 (the docs' text hook without the messenger's ids). */
const writeFirst = (eventId: string, amojoChatId: string) =>
  docEvent('hook-message-v2-text-with-source.json', { eventId }, (hook) => {
    delete hook.message.conversation.client_id;
    delete hook.message.receiver.client_id;
    hook.message.conversation.id = amojoChatId;
  });

describe('demo messenger: several numbers', () => {
  const clock = { now: START };
  let bridge: Awaited<ReturnType<typeof startTwoLinkBridge>>;
  let messenger: DemoMessenger;
  let dir: string;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'demo-numbers-'));
    bridge = await startTwoLinkBridge(() => clock.now);
    messenger = await startDemoMessenger({
      bridgeUrl: bridge.url,
      numbers: NUMBERS,
      dataFile: join(dir, 'demo-messenger.json'),
      now: () => clock.now,
      statusPollDelaysMs: [],
    });
  });
  afterEach(async () => {
    await messenger.close();
    await bridge.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function api(method: string, path: string, body?: unknown) {
    const response = await fetch(`${messenger.url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
    return { status: response.status, json: (await response.json()) as Json };
  }

  async function deliver(url: string, event: unknown, secret: string) {
    const body = Buffer.from(JSON.stringify(event));
    const signed = signBridgeDelivery({ secret, timestamp: Math.floor(clock.now / 1000), body });
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...signed },
      body,
    });
    return { status: response.status, json: (await response.json()) as Json };
  }

  async function configureBoth() {
    expect((await api('PUT', '/api/settings', SALES)).status).toBe(200);
    expect((await api('PUT', '/api/numbers/support/settings', SUPPORT)).status).toBe(200);
  }

  it('gives each number its own webhook path and settings, each checked with its own key', async () => {
    const [sales, support] = messenger.numbers();
    expect(sales).toEqual({ ...NUMBERS[0], webhookUrl: `${messenger.url}/webhook` });
    expect(support).toEqual({ ...NUMBERS[1], webhookUrl: `${messenger.url}/webhook/support` });
    await configureBoth();
    const { numbers } = messenger.state();
    expect(numbers.map((n) => [n.id, n.settings.configured, n.settings.link?.title])).toEqual([
      ['sales', true, 'Sales'],
      ['support', true, 'Support'],
    ]);
    // a key saved on the wrong number is still a key the bridge knows, but a secret of another link is refused
    const crossed = await api('PUT', '/api/numbers/support/settings', { signingSecret: SALES.signingSecret });
    expect(crossed.status).toBe(422);
    expect(crossed.json.error.code).toBe('signing_secret_mismatch');
    // each number's credentials sit in a file of its own, the first one in the messenger's data file
    expect(JSON.parse(readFileSync(join(dir, 'demo-messenger.json'), 'utf8')).apiKey).toBe(SALES.apiKey);
    expect(JSON.parse(readFileSync(join(dir, 'demo-messenger.support.json'), 'utf8')).apiKey).toBe(SUPPORT.apiKey);
    expect((await api('PUT', '/api/numbers/nope/settings', SALES)).status).toBe(404);
  });

  it("takes each number's deliveries on its own webhook, signed with its own secret, into that number's chats", async () => {
    await configureBoth();
    const viaSupport = await deliver(
      `${messenger.url}/webhook/support`,
      writeFirst('evt-support', '11111111-1111-4111-8111-111111111111'),
      SUPPORT.signingSecret,
    );
    expect(viaSupport.status).toBe(200);
    expect(viaSupport.json.conversation_id).toBe('conv-support-79151112233');
    const viaSales = await deliver(
      `${messenger.url}/webhook`,
      writeFirst('evt-sales', '22222222-2222-4222-8222-222222222222'),
      SALES.signingSecret,
    );
    expect(viaSales.status).toBe(200);
    // the same client phone on the first number: its own chat, with the ids the first number always used
    expect(viaSales.json.conversation_id).toBe('conv-79151112233');
    const byNumber = Object.fromEntries(messenger.state().conversations.map((c) => [c.numberId, c.id]));
    expect(byNumber).toEqual({ support: 'conv-support-79151112233', sales: 'conv-79151112233' });
  });

  it("refuses a delivery signed with another number's secret, and names the number that refused it", async () => {
    await configureBoth();
    const crossed = await deliver(
      `${messenger.url}/webhook/support`,
      writeFirst('evt-x', '33333333-3333-4333-8333-333333333333'),
      SALES.signingSecret,
    );
    expect(crossed.status).toBe(401);
    expect(messenger.state().conversations).toEqual([]);
    expect(messenger.state().refusedDeliveries.at(-1)).toMatchObject({
      numberId: 'support',
      code: 'signature_mismatch',
    });
    const unknown = await deliver(`${messenger.url}/webhook/nope`, writeFirst('evt-y', 'x'), SALES.signingSecret);
    expect(unknown.status).toBe(404);
  });

  it("sends each client message with its conversation's number's key", async () => {
    await configureBoth();
    const phone = '+1 555 010 2030';
    const onSupport = await api('POST', '/api/conversations', { name: 'Alex', phone, numberId: 'support' });
    const onSales = await api('POST', '/api/conversations', { name: 'Alex', phone });
    expect(onSupport.json.conversation).toMatchObject({ id: 'conv-support-15550102030', numberId: 'support' });
    expect(onSales.json.conversation).toMatchObject({ id: 'conv-15550102030', numberId: 'sales' });
    const text = { type: 'text', text: 'hello' };
    expect((await api('POST', `/api/conversations/${onSupport.json.conversation.id}/messages`, text)).status).toBe(200);
    expect((await api('POST', `/api/conversations/${onSales.json.conversation.id}/messages`, text)).status).toBe(200);
    const sent = bridge.calls.filter((c) => c.path === bridgePaths.messages);
    expect(sent.map((c) => [c.body.conversation.id, c.body.sender.id, c.authorization])).toEqual([
      ['conv-support-15550102030', 'client-support-15550102030', `Bearer ${SUPPORT.apiKey}`],
      ['conv-15550102030', 'client-15550102030', `Bearer ${SALES.apiKey}`],
    ]);
    expect((await api('POST', '/api/conversations', { name: 'A', phone, numberId: 'nope' })).status).toBe(404);
  });

  it('runs one number under /webhook when given none, as before', async () => {
    const single = await startDemoMessenger({ bridgeUrl: bridge.url });
    try {
      expect(single.numbers()).toEqual([{ id: 'main', label: 'Main number', webhookUrl: `${single.url}/webhook` }]);
    } finally {
      await single.close();
    }
  });
});
