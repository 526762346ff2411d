import { createServer, type IncomingHttpHeaders, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BridgeDeps } from '../../../src/bridge/bridge-deps';
import { bridgeRoutes } from '../../../src/bridge/bridge-routes';
import { createBridgeMessages } from '../../../src/bridge/create-bridge-messages';
import { createLogger } from '../../../src/observability/create-logger';
import { createMetrics } from '../../../src/observability/create-metrics';
import { createApp } from '../../../src/server/create-app';
import { createBridgeNodeHandler } from '../../../src/server/routes/bridge-node-handler';
import { hashApiKey } from '../../../src/store/api-key-hash';
import { upsertLink } from '../../../src/store/links-repo';
import { migrateToLatest } from '../../../src/store/migrations/migrate-to-latest';
import { type OpenedDatabase, openDatabase } from '../../../src/store/open-database';

const NOW = 1_767_225_600_250;
const KEYS = {
  live: `bk_live_${'a'.repeat(40)}`,
  parked: `bk_parked_${'b'.repeat(40)}`,
  unlinked: `bk_gone_${'c'.repeat(40)}`,
};
const RATE_LIMIT = 40;
// Both servers read this one clock; a test moves it on to start a new rate-limit window.
const clock = { now: NOW };

interface Served {
  base: string;
  opened: OpenedDatabase;
  logs: string[];
  close(): Promise<void>;
}

/**
 * One backend's worth of the message route on a fresh database seeded the same way each time: `node` serves it as
 * start-backend does (the node:http binding ahead of the app), `app` through the app alone, as before the binding.
 */
async function serve(binding: 'app' | 'node'): Promise<Served> {
  const opened = openDatabase('sqlite::memory:');
  await migrateToLatest(opened.db);
  for (const [i, name] of (['live', 'parked', 'unlinked'] as const).entries()) {
    const amojoId = `00000000-0000-4000-8000-00000000000${i + 1}`;
    const seeded = await upsertLink(
      opened.db,
      {
        accountId: 50_000_000 + i,
        subdomain: `shop${i}`,
        region: 'ru',
        amojoId,
        scopeId: `11111111-2222-4333-8444-555555555555_${amojoId}`,
        title: `Shop ${i}`,
        timeWindowDisabled: false,
        webhookUrl: `https://messenger.example/hooks/${i}`,
        bridgeKeyHash: hashApiKey(KEYS[name]),
        signingSecretEnc: 'v1.sealed',
      },
      NOW,
      () => `link-${name}`,
    );
    if (!seeded.ok) throw new Error('seed refused');
  }
  await sql`update links set parked_at = ${NOW} where bridge_key_hash = ${hashApiKey(KEYS.parked)}`.execute(opened.db);
  await sql`update links set scope_id = null where bridge_key_hash = ${hashApiKey(KEYS.unlinked)}`.execute(opened.db);
  const logs: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void logs.push(line) } });
  let counter = 0;
  const deps: BridgeDeps = {
    db: opened.db,
    sqliteIn: opened.sqliteIn,
    now: () => clock.now,
    logger,
    ids: () => `row-${++counter}`,
    signingSecretOf: () => 'cs_test_secret',
    limits: { requestsPerSecond: RATE_LIMIT, bodyBytes: 2048 },
  };
  const messages = createBridgeMessages(deps);
  const app = createApp({
    logger,
    metrics: createMetrics(),
    readiness: async () => ({ ok: true, checks: {} }),
    routes: [bridgeRoutes(deps, messages)],
  });
  const rest = getRequestListener(app.fetch);
  const node = createBridgeNodeHandler(messages, logger);
  const server: Server = createServer((req, res) => {
    if (binding === 'app' || !node(req, res)) void rest(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    opened,
    logs,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await opened.close();
    },
  };
}

interface Sent {
  path?: string;
  method?: string;
  headers?: Record<string, string | string[] | number>;
  /** Written as is; `stall` writes it and then waits, as a client still sending a body the server refuses. */
  body?: string | Buffer;
  stall?: boolean;
}

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

function send(base: string, sent: Sent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${base}${sent.path ?? '/bridge/v1/messages'}`,
      { method: sent.method ?? 'POST', headers: sent.headers ?? {}, agent: false },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const { date: _date, ...headers } = res.headers;
          resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks).toString() });
          req.destroy();
        });
      },
    );
    req.on('error', reject);
    if (sent.body !== undefined) req.write(sent.body);
    if (!sent.stall) req.end();
  });
}

const json = { 'content-type': 'application/json' };
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const message = (overrides: Record<string, unknown> = {}) =>
  JSON.stringify({
    id: 'm-1',
    conversation: { id: 'conv-1' },
    sender: { id: 'user-1', name: 'Ann Client' },
    message: { type: 'text', text: 'Hello' },
    ...overrides,
  });
const post = (body: string | Buffer, headers: Sent['headers'] = { ...json, ...bearer(KEYS.live) }): Sent => ({
  body,
  headers,
});

// Every request, sent to both servers in the same order: each state change (a message, a replay, a rate count) is
// the same on both sides, so every answer must be too, byte for byte but the Date header.
const cases: Array<[name: string, sent: Sent]> = [
  ['no Authorization', post(message(), json)],
  ['not Bearer', post(message(), { ...json, authorization: 'Basic abc' })],
  ['unknown key', post(message(), { ...json, ...bearer('bk_nobody_0123456789') })],
  ['two Authorization headers', post(message(), { ...json, authorization: [`Bearer ${KEYS.live}`, 'Bearer x'] })],
  ['parked account', post(message(), { ...json, ...bearer(KEYS.parked) })],
  ['unlinked key', post(message(), { ...json, ...bearer(KEYS.unlinked) })],
  ['no Content-Type', post(message(), bearer(KEYS.live))],
  ['text/plain', post(message(), { 'content-type': 'text/plain', ...bearer(KEYS.live) })],
  ['two Content-Types', post(message(), { 'content-type': ['application/json', 'text/plain'], ...bearer(KEYS.live) })],
  [
    'declared over the cap',
    { ...post('{"id":'), headers: { ...json, ...bearer(KEYS.live), 'content-length': 100_000 }, stall: true },
  ],
  ['chunked over the cap', { ...post(`{"pad":"${'x'.repeat(3000)}`), stall: true }],
  ['malformed JSON', post('{"id":')],
  ['not UTF-8', post(Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x7d]))],
  ['an array', post('[]')],
  ['schema mismatch', post(message({ id: '', message: { type: 'text', text: ' ' }, extra: 1 }))],
  ['accepted', post(message())],
  ['replayed', post(message())],
  ['same id, other body', post(message({ message: { type: 'text', text: 'changed' } }))],
  [
    'application/merge-patch+json with a query',
    {
      ...post(message({ id: 'm-2' }), {
        'content-type': 'application/merge-patch+json; charset=utf-8',
        ...bearer(KEYS.live),
      }),
      path: '/bridge/v1/messages?x=1',
    },
  ],
  ['trailing slash (the app answers)', { ...post(message({ id: 'm-3' })), path: '/bridge/v1/messages/' }],
  ['GET (the app answers)', { method: 'GET', headers: bearer(KEYS.live) }],
  ['PUT (the app answers)', { ...post(message({ id: 'm-4' })), method: 'PUT' }],
];

describe('POST /bridge/v1/messages on bare node:http', () => {
  let app: Served;
  let node: Served;

  beforeAll(async () => {
    app = await serve('app');
    node = await serve('node');
  });
  afterAll(async () => {
    await app?.close();
    await node?.close();
  });

  it.each(cases)('answers %s exactly as the app does', async (_name, sent) => {
    const expected = await send(app.base, sent);
    const actual = await send(node.base, sent);
    expect(actual).toEqual(expected);
  });

  it('wrote the same rows as the app', async () => {
    const dump = async (served: Served) => ({
      messages: await served.opened.db.selectFrom('messages').selectAll().orderBy('id').execute(),
      outbox: await served.opened.db.selectFrom('outbox').selectAll().orderBy('id').execute(),
      conversations: await served.opened.db.selectFrom('conversations').selectAll().orderBy('id').execute(),
    });
    const expected = await dump(app);
    expect(expected.outbox.map((j) => j.idempotencyKey)).toHaveLength(2);
    expect(await dump(node)).toEqual(expected);
  });

  it('refuses a remembered key once it was rotated away, as the app does', async () => {
    for (const served of [app, node]) {
      await sql`update links set bridge_key_hash = ${hashApiKey('bk_rotated')} where bridge_key_hash = ${hashApiKey(KEYS.live)}`.execute(
        served.opened.db,
      );
    }
    const sent = post(message({ id: 'm-after-rotation' }));
    const expected = await send(app.base, sent);
    expect(expected.status).toBe(401);
    expect(await send(node.base, sent)).toEqual(expected);
    for (const served of [app, node]) {
      await sql`update links set bridge_key_hash = ${hashApiKey(KEYS.live)} where bridge_key_hash = ${hashApiKey('bk_rotated')}`.execute(
        served.opened.db,
      );
    }
  });

  it('answers 429 with Retry-After at the same request as the app', async () => {
    const statuses = { app: [] as number[], node: [] as number[] };
    for (let i = 0; i < RATE_LIMIT; i++) {
      const sent = post(message({ id: `flood-${i}` }));
      const expected = await send(app.base, sent);
      const actual = await send(node.base, sent);
      expect(actual).toEqual(expected);
      statuses.app.push(expected.status);
      statuses.node.push(actual.status);
      if (expected.status === 429) {
        expect(expected.headers['retry-after']).toBe('1');
        break;
      }
    }
    expect(statuses.app.at(-1)).toBe(429);
    expect(statuses.node).toEqual(statuses.app);
  });

  it('answers an internal failure with the same bare 500, logged the same way', async () => {
    for (const served of [app, node]) await sql`drop table outbox`.execute(served.opened.db);
    clock.now += 1000;
    const sent = post(message({ id: 'm-500' }));
    const expected = await send(app.base, sent);
    const actual = await send(node.base, sent);
    expect(actual).toEqual(expected);
    const unhandled = (logs: string[]) =>
      logs
        .map((l) => JSON.parse(l))
        .filter((l: { msg?: string }) => l.msg === 'unhandled error')
        .map((l) => l.path);
    expect(unhandled(node.logs)).toEqual(unhandled(app.logs));
  });
});
