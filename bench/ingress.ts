import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getRequestListener } from '@hono/node-server';
import { verifyWebhook } from '../src/amojo/verify-webhook';
import { createLogger } from '../src/observability/create-logger';
import { createMetrics } from '../src/observability/create-metrics';
import { createApp } from '../src/server/create-app';
import { createHookPersister } from '../src/server/routes/amojo-webhook/create-hook-persister';
import { createScopeLookup } from '../src/server/routes/amojo-webhook/create-scope-lookup';
import { createAmojoWebhookNodeHandler } from '../src/server/routes/amojo-webhook-node-handler';
import { type AmojoWebhookDeps, amojoWebhookRoutes } from '../src/server/routes/amojo-webhook-routes';
import { upsertLink } from '../src/store/links-repo';
import { migrateToLatest } from '../src/store/migrations/migrate-to-latest';
import { openDatabase } from '../src/store/open-database';
import type { Check } from './check';
import { ownCpuMs, reapedChildrenCpuMs } from './cpu-time';
import { startDurableFloor } from './durable-floor';
import { type LoadResult, runLoad } from './load/run-load';

const CHANNEL = '0d6f1c2e-3b4a-4c5d-8e6f-7a8b9c0d1e2f';
const SECRET = 'f2d7f8704eff95087ed45b23ba99c0b5aac8278e';
const ACCOUNT = '52e591f7-c98f-4255-8495-827210138c81';
const SCOPE = `${CHANNEL}_${ACCOUNT}`;
const CONNECTIONS = 10;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
// Rounds of bare, FULL and NORMAL back to back: this machine's speed drifts by tens of percent within minutes, so a
// ratio is taken within each round and the median round is reported.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

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

/** A fresh migrated SQLite file in a directory of its own, holding the bench's link. */
async function seedDatabase(query: string) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-ingress-'));
  const path = join(dir, 'channel.db');
  const opened = openDatabase(`sqlite:${path}${query}`);
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
  return { dir, path, opened, linkId: link.link.id };
}

/** The durable floor (durable-floor.ts) over the same schema and link. */
async function startFloor() {
  const { dir, path, opened, linkId } = await seedDatabase('');
  await opened.close();
  const floor = await startDurableFloor({ path, linkId, secret: SECRET });
  return {
    url: floor.url,
    close: async () => {
      await floor.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Our webhook route as the backend serves it, over a SQLite file: each 200 is sent after its row is committed. */
async function startIngress(query: string) {
  const { dir, opened } = await seedDatabase(query);
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

/** The load run, and the CPU per request meanwhile of the server under test (this process) and of the load generator. */
async function load(url: string, tag: string): Promise<LoadResult & { cpuUs: number; loadCpuUs: number }> {
  const from = ownCpuMs();
  const loadFrom = reapedChildrenCpuMs();
  const result = await runLoad('hook-load.ts', {
    url,
    secret: SECRET,
    accountId: ACCOUNT,
    connections: CONNECTIONS,
    durationSeconds: SECONDS,
    tag,
  });
  const perRequest = (ms: number) => (ms / Math.max(1, result.requests)) * 1000;
  return { ...result, cpuUs: perRequest(ownCpuMs() - from), loadCpuUs: perRequest(reapedChildrenCpuMs() - loadFrom) };
}

type Run = LoadResult & { cpuUs: number; loadCpuUs: number };

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/** The median of each figure over the rounds. */
function summary(runs: Run[]): Run {
  const pick = (key: keyof Run) => median(runs.map((r) => r[key]));
  return {
    rps: pick('rps'),
    p50: pick('p50'),
    p99: pick('p99'),
    requests: pick('requests'),
    non2xx: runs.reduce((sum, r) => sum + r.non2xx, 0),
    errors: runs.reduce((sum, r) => sum + r.errors, 0),
    timeouts: runs.reduce((sum, r) => sum + r.timeouts, 0),
    cpuUs: pick('cpuUs'),
    loadCpuUs: pick('loadCpuUs'),
  };
}

const fmt = (name: string, r: Run) =>
  `${name.padEnd(44)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${String(r.p50).padStart(3)} ms   p99 ${String(r.p99).padStart(3)} ms   server CPU ${r.cpuUs.toFixed(0).padStart(3)} µs/req (load generator ${r.loadCpuUs.toFixed(0)})   non-2xx ${r.non2xx}   errors ${r.errors}`;

const CONFIGS = [
  { name: 'ingress, SQLite synchronous=FULL (default)', tag: 'full', query: '' },
  { name: 'ingress, SQLite synchronous=NORMAL', tag: 'normal', query: '?synchronous=normal' },
] as const;

const spreadOf = (ratios: number[]) =>
  `${median(ratios).toFixed(2)} [rounds ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}]`;

/**
 * Hook ingress with durable persistence against two baselines measured in the same rounds, 10 connections: the
 * bare HMAC-only node:http server (the yardstick) and the durable floor (durable-floor.ts), which shows how
 * much of the gap is the disk's and how much is ours.
 */
export async function benchIngress(): Promise<{ lines: string[]; checks: Check[] }> {
  const lines = [
    `webhook ingress: ${CONNECTIONS} connections, ${SECONDS} s per run, ${ROUNDS} rounds (medians), autocannon in a separate process`,
  ];
  const bareRuns: Run[] = [];
  const floor = { results: [] as Run[], ratios: [] as number[] };
  const runs = CONFIGS.map(() => ({ results: [] as Run[], ratios: [] as number[], ofFloor: [] as number[], rows: 0 }));
  for (let round = 0; round < ROUNDS; round++) {
    const bare = await startBare();
    const baseline = await load(bare.url, `bare${round}`);
    await bare.close();
    bareRuns.push(baseline);
    const floorServer = await startFloor();
    const floorRun = await load(floorServer.url, `floor${round}`);
    await floorServer.close();
    floor.results.push(floorRun);
    floor.ratios.push(floorRun.rps / baseline.rps);
    for (const [i, config] of CONFIGS.entries()) {
      const ingress = await startIngress(config.query);
      const result = await load(ingress.url, `${config.tag}${round}`);
      const { n } = await ingress.rows();
      await ingress.close();
      const into = runs[i]!;
      into.results.push(result);
      into.ratios.push(result.rps / baseline.rps);
      into.ofFloor.push(result.rps / floorRun.rps);
      into.rows += Number(n);
    }
  }
  lines.push(fmt('bare node:http + HMAC check (baseline)', summary(bareRuns)));
  lines.push(
    `${fmt('durable floor: raw SQLite FULL, 1 commit/turn', summary(floor.results))}   of bare ${spreadOf(floor.ratios)}`,
  );
  for (const [i, config] of CONFIGS.entries()) {
    const { results, ratios, ofFloor, rows } = runs[i]!;
    lines.push(
      `${fmt(config.name, summary(results))}   rows ${rows}   ratio ${spreadOf(ratios)} (goal >= 0.50, p99 <= 10 ms)   of floor ${spreadOf(ofFloor)}`,
    );
  }
  // design.md §6: the default (FULL) ingress at least 0.85 of the durable floor measured in the same rounds.
  const full = runs[0];
  const ofFloor = median(full?.ofFloor ?? []);
  const checks: Check[] = [
    {
      name: `ingress (${CONFIGS[0].tag}) of the durable floor, req/s`,
      figure: ofFloor,
      floor: `${summary(floor.results).rps.toFixed(0)} req/s`,
      budget: '>= 0.85',
      ok: ofFloor >= 0.85,
    },
  ];
  return { lines, checks };
}
