import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import { verifyWebhook } from '../src/amojo/verify-webhook';
import { createApp } from '../src/server/create-app';
import { createLogger } from '../src/server/create-logger';
import { createMetrics } from '../src/server/create-metrics';
import { createHookPersister } from '../src/server/routes/amojo-webhook/create-hook-persister';
import { createScopeLookup } from '../src/server/routes/amojo-webhook/create-scope-lookup';
import { createAmojoWebhookNodeHandler } from '../src/server/routes/amojo-webhook-node-handler';
import { type AmojoWebhookDeps, amojoWebhookRoutes } from '../src/server/routes/amojo-webhook-routes';
import { upsertLink } from '../src/store/links-repo';
import { migrateToLatest } from '../src/store/migrations/migrate-to-latest';
import { openDatabase } from '../src/store/open-database';
import { ownCpuMs } from './cpu-time';
import { type LoadResult, runLoad } from './load/run-load';

const CHANNEL = '0d6f1c2e-3b4a-4c5d-8e6f-7a8b9c0d1e2f';
const SECRET = 'f2d7f8704eff95087ed45b23ba99c0b5aac8278e';
const ACCOUNT = '52e591f7-c98f-4255-8495-827210138c81';
const SCOPE = `${CHANNEL}_${ACCOUNT}`;
const CONNECTIONS = 10;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 6);

function listen(server: Server): Promise<string> {
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`)),
  );
}

/** The baseline: node:http that reads the body, checks the HMAC and answers 200, storing nothing. */
async function startBare() {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const ok = verifyWebhook({
        body: Buffer.concat(chunks),
        signature: req.headers['x-signature'] as string,
        secrets: [SECRET],
      });
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' }).end('{}');
    });
  });
  return { url: await listen(server), close: () => new Promise<void>((r) => server.close(() => r())) };
}

/** Our webhook route as the backend serves it, over a SQLite file: each 200 is sent after its row is committed. */
async function startIngress(query: string) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-ingress-'));
  const opened = openDatabase(`sqlite:${join(dir, 'channel.db')}${query}`);
  await migrateToLatest(opened.db);
  const link = await upsertLink(
    opened.db,
    {
      accountId: 1,
      subdomain: 'bench',
      region: 'ru',
      amojoId: ACCOUNT,
      scopeId: SCOPE,
      title: 'Bench',
      timeWindowDisabled: false,
      webhookUrl: 'http://127.0.0.1:9/hook',
      bridgeKeyHash: randomUUID(),
      signingSecretEnc: 'x',
    },
    Date.now(),
  );
  if (!link.ok) throw new Error('could not seed the link');
  const commit = createHookPersister(opened.db);
  const webhook: AmojoWebhookDeps = {
    channelId: CHANNEL,
    secrets: [SECRET],
    lookupScope: createScopeLookup(opened.db),
    persist: commit.persist,
  };
  const app = createApp({
    logger: createLogger({ level: 'silent' }),
    metrics: createMetrics(),
    readiness: async () => ({ ok: true, checks: {} }),
    routes: [amojoWebhookRoutes(webhook)],
  });
  // Exactly how start-backend serves: the hook route on node:http, everything else through the app.
  const hooks = createAmojoWebhookNodeHandler(webhook);
  const rest = getRequestListener(app.fetch);
  const server = createServer((req, res) => {
    if (!hooks(req, res)) void rest(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/amojo/webhook/${SCOPE}`;
  const rows = () =>
    opened.db
      .selectFrom('inbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
  return {
    url,
    rows,
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      await commit.close();
      await opened.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The load run, and the CPU the server under test (this process) spent per request meanwhile. */
async function load(url: string, tag: string): Promise<LoadResult & { cpuUs: number }> {
  const from = ownCpuMs();
  const result = await runLoad('hook-load.ts', {
    url,
    secret: SECRET,
    accountId: ACCOUNT,
    connections: CONNECTIONS,
    durationSeconds: SECONDS,
    tag,
  });
  return { ...result, cpuUs: ((ownCpuMs() - from) / Math.max(1, result.requests)) * 1000 };
}

const fmt = (name: string, r: LoadResult & { cpuUs: number }) =>
  `${name.padEnd(44)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${String(r.p50).padStart(3)} ms   p99 ${String(r.p99).padStart(3)} ms   server CPU ${r.cpuUs.toFixed(0).padStart(3)} µs/req   non-2xx ${r.non2xx}   errors ${r.errors}`;

/** Hook ingress with durable persistence against a bare HMAC-only node:http server, 10 connections, same run. */
export async function benchIngress(): Promise<string[]> {
  const lines = [`webhook ingress: ${CONNECTIONS} connections, ${SECONDS} s per run, autocannon in a separate process`];
  const bare = await startBare();
  const baseline = await load(bare.url, 'bare');
  await bare.close();
  lines.push(fmt('bare node:http + HMAC check (baseline)', baseline));
  for (const [name, query] of [
    ['ingress, SQLite synchronous=FULL (default)', ''],
    ['ingress, SQLite synchronous=NORMAL', '?synchronous=normal'],
  ] as const) {
    const ingress = await startIngress(query);
    const result = await load(ingress.url, name.includes('FULL') ? 'full' : 'normal');
    const { n } = await ingress.rows();
    await ingress.close();
    lines.push(
      `${fmt(name, result)}   rows ${n}   ratio ${(result.rps / baseline.rps).toFixed(2)} (goal >= 0.50, p99 <= 10 ms)`,
    );
  }
  return lines;
}
