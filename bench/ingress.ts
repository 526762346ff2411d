import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { verifyWebhook } from '../src/amojo/verify-webhook';
import { createLogger } from '../src/observability/create-logger';
import { createMetrics } from '../src/observability/create-metrics';
import { createApp } from '../src/server/create-app';
import { createHookPersister } from '../src/server/routes/amojo-webhook/create-hook-persister';
import { createScopeLookup } from '../src/server/routes/amojo-webhook/create-scope-lookup';
import { createAmojoWebhookNodeHandler } from '../src/server/routes/amojo-webhook-node-handler';
import { type AmojoWebhookDeps, amojoWebhookRoutes } from '../src/server/routes/amojo-webhook-routes';
import type { Check } from './check';
import { ownCpuMs } from './cpu-time';
import { findBenchPostgres, POSTGRES_SKIPPED } from './find-bench-postgres';
import { startBenchInstances } from './instance/start-bench-instances';
import { type HookRun, loadHooks } from './load/load-hooks';
import { openBenchStore } from './open-bench-store';
import { startFloor } from './start-floor';

const CHANNEL = '0d6f1c2e-3b4a-4c5d-8e6f-7a8b9c0d1e2f';
const SECRET = 'f2d7f8704eff95087ed45b23ba99c0b5aac8278e';
const ACCOUNT = '52e591f7-c98f-4255-8495-827210138c81';
const SCOPE = `${CHANNEL}_${ACCOUNT}`;
const CONNECTIONS = 10;
const SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
// Rounds of every configuration back to back: this machine's speed drifts by tens of percent within minutes, so a
// ratio is taken within each round and the median round is reported.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
/** Issue 15 item 4: ingress at least this share of the durable floor measured in the same rounds. */
const OF_FLOOR = 0.85;

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

/** Our webhook route as the backend serves it, in this process: each 200 is sent after its row is committed. */
async function startIngress(sqliteQuery: string) {
  const store = await openBenchStore({ sqliteQuery, amojoId: ACCOUNT, scopeId: SCOPE });
  const commit = createHookPersister(store.opened);
  const webhook: AmojoWebhookDeps = {
    channelId: CHANNEL,
    secrets: [SECRET],
    lookupScope: createScopeLookup(store.opened.db),
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
  const url = `${await listen(server)}/amojo/webhook/${SCOPE}`;
  return {
    urls: [url],
    cpuMs: ownCpuMs,
    rows: () => countRows(store.opened.db),
    close: async () => {
      await new Promise<void>((r) => server.close(() => r()));
      await commit.close();
      await store.close();
    },
  };
}

/** The same route in `count` backend processes (bench-instance.ts) on one fresh PostgreSQL schema. */
async function startPostgresIngress(postgresUrl: string, count: number) {
  const store = await openBenchStore({ postgresUrl, amojoId: ACCOUNT, scopeId: SCOPE });
  const instances = await startBenchInstances(count, {
    role: 'ingress',
    databaseUrl: store.url,
    channelId: CHANNEL,
    secret: SECRET,
  });
  const urls = instances.urls.map((u) => `${u}/amojo/webhook/${SCOPE}`);
  // A fresh process runs its first thousand hooks through the interpreter; the in-process SQLite route was compiled
  // by the rounds before it. One second of load first, so both are measured warm.
  await loadHooks({
    urls,
    secret: SECRET,
    accountId: ACCOUNT,
    connections: CONNECTIONS,
    durationSeconds: 1,
    tag: `warm${process.hrtime.bigint()}`,
    serverCpuMs: instances.cpuMs,
  });
  return {
    urls,
    cpuMs: instances.cpuMs,
    rows: () => countRows(store.opened.db),
    close: async () => {
      await instances.stop();
      await store.close();
    },
  };
}

async function countRows(db: Awaited<ReturnType<typeof openBenchStore>>['opened']['db']) {
  const { n } = await db
    .selectFrom('inbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(n);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

/** The median of each figure over the rounds. */
function summary(runs: HookRun[]): HookRun {
  const pick = (key: keyof HookRun) => median(runs.map((r) => r[key]));
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

const fmt = (name: string, r: HookRun) =>
  `${name.padEnd(50)} ${r.rps.toFixed(0).padStart(7)} req/s   p50 ${String(r.p50).padStart(3)} ms   p99 ${String(r.p99).padStart(3)} ms   server CPU ${r.cpuUs.toFixed(0).padStart(3)} µs/req (load generator ${r.loadCpuUs.toFixed(0)})   non-2xx ${r.non2xx}   errors ${r.errors}`;

const spreadOf = (ratios: number[]) =>
  `${median(ratios).toFixed(2)} [rounds ${Math.min(...ratios).toFixed(2)}-${Math.max(...ratios).toFixed(2)}]`;

interface Subject {
  name: string;
  tag: string;
  /** Which floor it is measured against. */
  floor: 'sqlite' | 'postgres';
  /** Checked against OF_FLOOR in `--check`. */
  checked: boolean;
  start(): Promise<{
    urls: string[];
    cpuMs: () => number | undefined;
    rows(): Promise<number>;
    close(): Promise<void>;
  }>;
}

/**
 * Hook ingress with durable persistence against two baselines measured in the same rounds, 10 connections: the
 * bare HMAC-only node:http server (the yardstick) and the durable floor of the same database (SQLite:
 * durable-floor.ts; PostgreSQL: postgres-durable-floor.ts), which shows how much of the gap is the database's and how
 * much is ours. On PostgreSQL the route runs in one backend process and in two on the same schema, the connections
 * split between them.
 */
export async function benchIngress(): Promise<{ lines: string[]; checks: Check[] }> {
  const postgresUrl = await findBenchPostgres();
  const lines = [
    `webhook ingress: ${CONNECTIONS} connections, ${SECONDS} s per run, ${ROUNDS} rounds (medians), autocannon in separate processes`,
  ];
  const subjects: Subject[] = [
    {
      name: 'ingress, SQLite synchronous=FULL (default)',
      tag: 'full',
      floor: 'sqlite',
      checked: true,
      start: () => startIngress(''),
    },
    {
      name: 'ingress, SQLite synchronous=NORMAL',
      tag: 'normal',
      floor: 'sqlite',
      checked: false,
      start: () => startIngress('?synchronous=normal'),
    },
  ];
  if (postgresUrl) {
    for (const count of [1, 2]) {
      subjects.push({
        name: `ingress, PostgreSQL, ${count} instance${count > 1 ? 's' : ''}`,
        tag: `pg${count}`,
        floor: 'postgres',
        checked: true,
        start: () => startPostgresIngress(postgresUrl, count),
      });
    }
  } else {
    lines.push(POSTGRES_SKIPPED);
  }
  const floorKinds = postgresUrl ? (['sqlite', 'postgres'] as const) : (['sqlite'] as const);
  const bareRuns: HookRun[] = [];
  const floors = new Map(floorKinds.map((k) => [k, { results: [] as HookRun[], ratios: [] as number[] }]));
  const runs = subjects.map(() => ({
    results: [] as HookRun[],
    ratios: [] as number[],
    ofFloor: [] as number[],
    cpuOfFloor: [] as number[],
    rows: 0,
  }));
  const hooks = { secret: SECRET, accountId: ACCOUNT, connections: CONNECTIONS, durationSeconds: SECONDS };
  for (let round = 0; round < ROUNDS; round++) {
    const bare = await startBare();
    const baseline = await loadHooks({ ...hooks, urls: [bare.url], tag: `bare${round}`, serverCpuMs: ownCpuMs });
    await bare.close();
    bareRuns.push(baseline);
    const floorOfRound = new Map<'sqlite' | 'postgres', HookRun>();
    for (const kind of floorKinds) {
      const floorServer = await startFloor({
        ...(kind === 'postgres' && postgresUrl ? { postgresUrl } : {}),
        amojoId: ACCOUNT,
        scopeId: SCOPE,
        secret: SECRET,
      });
      const floorRun = await loadHooks({
        ...hooks,
        urls: [floorServer.url],
        tag: `floor${kind}${round}`,
        serverCpuMs: ownCpuMs,
      });
      await floorServer.close();
      floorOfRound.set(kind, floorRun);
      floors.get(kind)?.results.push(floorRun);
      floors.get(kind)?.ratios.push(floorRun.rps / baseline.rps);
    }
    for (const [i, subject] of subjects.entries()) {
      const server = await subject.start();
      const result = await loadHooks({
        ...hooks,
        urls: server.urls,
        tag: `${subject.tag}${round}`,
        serverCpuMs: server.cpuMs,
      });
      const rows = await server.rows();
      await server.close();
      const floorRun = floorOfRound.get(subject.floor)!;
      const into = runs[i]!;
      into.results.push(result);
      into.ratios.push(result.rps / baseline.rps);
      into.ofFloor.push(result.rps / floorRun.rps);
      into.cpuOfFloor.push(result.cpuUs / floorRun.cpuUs);
      into.rows += rows;
    }
  }
  lines.push(fmt('bare node:http + HMAC check (baseline)', summary(bareRuns)));
  const floorNames = {
    sqlite: 'durable floor: raw SQLite FULL, 1 commit/turn',
    postgres: 'durable floor: raw PostgreSQL, group commit',
  };
  const checks: Check[] = [];
  for (const kind of floorKinds) {
    const floor = floors.get(kind)!;
    lines.push(`${fmt(floorNames[kind], summary(floor.results))}   of bare ${spreadOf(floor.ratios)}`);
    for (const [i, subject] of subjects.entries()) {
      if (subject.floor !== kind) continue;
      const { results, ratios, ofFloor, cpuOfFloor, rows } = runs[i]!;
      lines.push(
        `${fmt(subject.name, summary(results))}   rows ${rows}   of bare ${spreadOf(ratios)}   of floor ${spreadOf(ofFloor)} (budget >= ${OF_FLOOR}, p99 <= 10 ms)   CPU of floor's ${spreadOf(cpuOfFloor)}`,
      );
      if (!subject.checked) continue;
      const figure = median(ofFloor);
      checks.push({
        name: `${subject.name} of the ${kind === 'sqlite' ? 'SQLite' : 'PostgreSQL'} durable floor, req/s`,
        figure,
        floor: `${summary(floor.results).rps.toFixed(0)} req/s`,
        budget: `>= ${OF_FLOOR}`,
        ok: figure >= OF_FLOOR,
      });
    }
  }
  return { lines, checks };
}
