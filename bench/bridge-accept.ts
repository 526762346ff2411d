import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import type { BridgeDeps } from '../src/bridge/bridge-deps';
import { bridgeRoutes } from '../src/bridge/bridge-routes';
import { createBridgeMessages } from '../src/bridge/create-bridge-messages';
import { createLogger } from '../src/observability/create-logger';
import { createMetrics } from '../src/observability/create-metrics';
import { createApp } from '../src/server/create-app';
import { createBridgeNodeHandler } from '../src/server/routes/bridge-node-handler';
import { hashApiKey } from '../src/store/api-key-hash';
import { createMemoryRateLimits } from '../src/store/create-memory-rate-limits';
import { upsertLink } from '../src/store/links-repo';
import { migrateToLatest } from '../src/store/migrations/migrate-to-latest';
import { openDatabase } from '../src/store/open-database';
import type { Check } from './check';
import { ownCpuMs } from './cpu-time';
import { startDurableFloor } from './durable-floor';
import { type LoadResult, runLoad } from './load/run-load';

const ACCOUNT = '6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const SCOPE = `2f3e4d5c-6b7a-4898-a7b6-c5d4e3f2a1b0_${ACCOUNT}`;
const SECRET = '9c8b7a6f5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b';
const API_KEY = 'ck_bench_accept_0123456789abcdefghijkl';
const CONNECTIONS = 10;
const MESSAGES = Number(process.env.BENCH_BRIDGE_MESSAGES ?? 6000);
const CONVERSATIONS = 200;
const FLOOR_SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
// Floor and accept back to back in each round, the ratio taken within the round: this machine's speed drifts.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

/** A fresh migrated SQLite file (synchronous=FULL, the default) holding the bench's keyed link. */
async function seedDatabase() {
  const dir = mkdtempSync(join(tmpdir(), 'bench-bridge-accept-'));
  const path = join(dir, 'channel.db');
  const opened = openDatabase(`sqlite:${path}`);
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
      bridgeKeyHash: hashApiKey(API_KEY),
      signingSecretEnc: 'unused',
    },
    Date.now(),
  );
  if (!link.ok) throw new Error('could not seed the link');
  return { dir, path, opened, linkId: link.link.id };
}

type Run = LoadResult & { cpuUs: number };

/** The durable floor's run: CPU per hook of this process (which serves it) while hook-load posts for FLOOR_SECONDS. */
async function runFloor(tag: string): Promise<Run> {
  const { dir, path, opened, linkId } = await seedDatabase();
  await opened.close();
  const floor = await startDurableFloor({ path, linkId, secret: SECRET });
  const from = ownCpuMs();
  const result = await runLoad('hook-load.ts', {
    url: floor.url,
    secret: SECRET,
    accountId: ACCOUNT,
    connections: CONNECTIONS,
    durationSeconds: FLOOR_SECONDS,
    tag,
  });
  const cpuUs = ((ownCpuMs() - from) / Math.max(1, result.requests)) * 1000;
  await floor.close();
  rmSync(dir, { recursive: true, force: true });
  return { ...result, cpuUs };
}

/**
 * The bridge accept as start-backend serves it on SQLite (the message route on node:http ahead of the app, its
 * statements on the raw handle, the in-memory rate limiter counting every request against a limit it never reaches,
 * no relay worker): MESSAGES posts over CONVERSATIONS chats. The rate is timed from the first request the server sees
 * to the last answer, so the load generator's start-up and exit do not count; the CPU is this process's over the
 * whole run, divided by the messages.
 */
async function runAccept(tag: string): Promise<Run & { rows: number }> {
  const { dir, opened } = await seedDatabase();
  const logger = createLogger({ level: 'silent' });
  const bridge: BridgeDeps = {
    db: opened.db,
    sqliteIn: opened.sqliteIn,
    now: Date.now,
    logger,
    signingSecretOf: () => 'unused',
    rateLimiter: createMemoryRateLimits(),
    limits: { requestsPerSecond: 1_000_000_000 },
  };
  const messages = createBridgeMessages(bridge);
  const app = createApp({
    logger,
    metrics: createMetrics(),
    readiness: async () => ({ ok: true, checks: {} }),
    routes: [bridgeRoutes(bridge, messages)],
  });
  // Exactly how start-backend serves: the message route on node:http, everything else through the app.
  const bridgeMessages = createBridgeNodeHandler(messages, logger);
  const rest = getRequestListener(app.fetch);
  const seen = { first: 0, last: 0 };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    if (seen.first === 0) seen.first = performance.now();
    res.once('finish', () => {
      seen.last = performance.now();
    });
    if (!bridgeMessages(req, res)) void rest(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bridge/v1/messages`;
  const from = ownCpuMs();
  const result = await runLoad('bridge-load.ts', {
    url,
    apiKey: API_KEY,
    amount: MESSAGES,
    connections: CONNECTIONS,
    conversations: CONVERSATIONS,
    tag,
  });
  const cpuUs = ((ownCpuMs() - from) / Math.max(1, result.requests)) * 1000;
  const rps = result.requests / ((seen.last - seen.first) / 1000);
  const { n } = await opened.db
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('kind', '=', 'amojo.new_message')
    .executeTakeFirstOrThrow();
  await new Promise<void>((r) => server.close(() => r()));
  await opened.close();
  rmSync(dir, { recursive: true, force: true });
  return { ...result, rps, cpuUs, rows: Number(n) };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;
const spreadOf = (xs: number[]) =>
  `${median(xs).toFixed(2)} [rounds ${Math.min(...xs).toFixed(2)}-${Math.max(...xs).toFixed(2)}]`;

const fmt = (name: string, runs: Run[]) =>
  `${name.padEnd(46)} ${median(runs.map((r) => r.rps))
    .toFixed(0)
    .padStart(6)} req/s   p50 ${String(median(runs.map((r) => r.p50))).padStart(3)} ms   p99 ${String(
    median(runs.map((r) => r.p99)),
  ).padStart(3)} ms   server CPU ${median(runs.map((r) => r.cpuUs))
    .toFixed(0)
    .padStart(
      4,
    )} µs/req   non-2xx ${runs.reduce((s, r) => s + r.non2xx, 0)}   errors ${runs.reduce((s, r) => s + r.errors, 0)}`;

/**
 * POST /bridge/v1/messages (202 once durable) at 10 connections on SQLite synchronous=FULL, against the durable
 * floor (durable-floor.ts) measured in the same rounds: CPU per accepted message within 2.5x the floor's per hook,
 * and p99 within 10 ms.
 */
export async function benchBridgeAccept(): Promise<{ lines: string[]; checks: Check[] }> {
  const lines = [
    `bridge accept: ${MESSAGES} messages over ${CONVERSATIONS} conversations per run, ${CONNECTIONS} connections, SQLite synchronous=FULL, ${ROUNDS} rounds (medians), autocannon in a separate process`,
  ];
  const floors: Run[] = [];
  const accepts: Array<Run & { rows: number }> = [];
  const cpuRatios: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const floor = await runFloor(`floor${round}`);
    const accept = await runAccept(`accept${round}`);
    floors.push(floor);
    accepts.push(accept);
    cpuRatios.push(accept.cpuUs / floor.cpuUs);
  }
  const rows = accepts.reduce((s, r) => s + r.rows, 0);
  lines.push(fmt('durable floor: raw SQLite FULL, 1 commit/turn', floors));
  lines.push(
    `${fmt('bridge accept (202 durable)', accepts)}   jobs ${rows} of ${MESSAGES * ROUNDS}   CPU of floor ${spreadOf(cpuRatios)} (budget <= 2.5)`,
  );
  const cpuRatio = median(cpuRatios);
  const p99 = median(accepts.map((r) => r.p99));
  const floorCpu = median(floors.map((r) => r.cpuUs));
  return {
    lines,
    checks: [
      {
        name: 'bridge accept CPU per message of the durable floor per hook',
        figure: cpuRatio,
        floor: `${floorCpu.toFixed(0)} µs/hook`,
        budget: '<= 2.5',
        ok: cpuRatio <= 2.5 && rows === MESSAGES * ROUNDS,
      },
      {
        name: `bridge accept p99 at ${CONNECTIONS} connections, ms`,
        figure: p99,
        floor: `floor p99 ${median(floors.map((r) => r.p99))} ms`,
        budget: '<= 10',
        ok: p99 <= 10,
      },
    ],
  };
}
