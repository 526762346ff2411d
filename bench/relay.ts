import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type AmojoClient, createAmojoClient } from '../src/amojo/create-amojo-client';
import { createHttpFetch } from '../src/egress/create-http-fetch';
import { createLogger } from '../src/observability/create-logger';
import { createMetrics } from '../src/observability/create-metrics';
import { hashApiKey } from '../src/store/api-key-hash';
import type { Check } from './check';
import { composeRelayBackend } from './compose-relay-backend';
import { ownCpuMs, reapedChildrenCpuMs, treeCpuMs } from './cpu-time';
import { findBenchPostgres, POSTGRES_SKIPPED } from './find-bench-postgres';
import { startBenchInstances } from './instance/start-bench-instances';
import { loadHooks } from './load/load-hooks';
import { runLoad } from './load/run-load';
import { type BenchStore, openBenchStore } from './open-bench-store';
import { startFloor } from './start-floor';

const CHANNEL = '7e3f9a10-4b2c-4d5e-8f60-718293a4b5c6';
const SECRET = 'b1c2d3e4f5a60718293a4b5c6d7e8f9012345678';
const ACCOUNT = '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f';
const API_KEY = 'ck_bench_0123456789abcdefghijklmnop';
const N = Number(process.env.BENCH_RELAY_MESSAGES ?? 4000);
const CONVERSATIONS = 200;
const GOAL = 2000; // msg/s, issue 15 item 3
/** Issue 15 item 3: sustained end to end at least this share of the direct client's rate. */
const OF_DIRECT = 0.7;
/** Issue 15 item 3: backend CPU per relayed message at most this many times the durable floor's per hook. */
const CPU_OF_FLOOR = 4;
const FLOOR_SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
const root = fileURLToPath(new URL('..', import.meta.url));

/** The emulator in a process of its own, as amojo is another machine; resolves with its URL. */
function startEmulator(): Promise<{ url: string; child: ChildProcess; close(): void }> {
  const child = spawn(
    join(root, 'node_modules/.bin/tsx'),
    [
      join(root, 'src/sandbox/amojo-emulator/cli.ts'),
      '--channel-id',
      CHANNEL,
      '--secret',
      SECRET,
      '--hook-url',
      'http://127.0.0.1:9/:scope_id',
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      const url = /http:\/\/127\.0\.0\.1:\d+/.exec(chunk.toString())?.[0];
      if (url) resolve({ url, child, close: () => void child.kill() });
    });
  });
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** What a phase needs of a backend under test, in this process or in backend processes of their own. */
interface RelayBackend {
  /** One bridge URL per instance; the load is split evenly between them. */
  bridgeUrls: string[];
  /** CPU ms the backend (bridge and worker) has used so far; undefined where it cannot be read. */
  cpuMs(): number | undefined;
  /** Bridge requests answered since the last reset: how many, and the first and last as epoch ms. */
  seen(): Promise<{ count: number; firstAt: number; lastAt: number }>;
  reset(): Promise<unknown>;
  startWorkers(): Promise<unknown>;
  close(): Promise<void>;
}

/** The bridge and the relay worker in this process, as start-backend composes them (SQLite). */
async function startInProcess(store: BenchStore, amojoBaseUrl: string): Promise<RelayBackend> {
  const metrics = createMetrics();
  const logger = createLogger({ level: 'silent' });
  const { worker, listener } = composeRelayBackend({
    opened: store.opened,
    channel: { id: CHANNEL, secret: SECRET },
    amojoBaseUrl,
    metrics,
    logger,
  });
  // The load generator is a child process that takes a second or two to start and to report: phases are timed from
  // the first request the bridge sees, not from spawning it, or that start-up would count as relay time.
  const seen = { count: 0, firstAt: 0, lastAt: 0 };
  const now = () => performance.timeOrigin + performance.now();
  const server = createServer((req, res) => {
    if (seen.count === 0 && seen.firstAt === 0) seen.firstAt = now();
    res.once('finish', () => {
      seen.lastAt = now();
      seen.count += 1;
    });
    listener(req, res);
  });
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  let running = false;
  return {
    bridgeUrls: [`http://127.0.0.1:${(server.address() as AddressInfo).port}`],
    cpuMs: ownCpuMs,
    seen: async () => ({ ...seen }),
    reset: async () => Object.assign(seen, { count: 0, firstAt: 0, lastAt: 0 }),
    startWorkers: async () => {
      running = true;
      worker.start();
    },
    close: async () => {
      if (running) await worker.stop();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** `count` backend processes (bench-instance.ts, role relay) on one PostgreSQL schema, each with its own worker. */
async function startInstances(store: BenchStore, amojoBaseUrl: string, count: number): Promise<RelayBackend> {
  const instances = await startBenchInstances(count, {
    role: 'relay',
    databaseUrl: store.url,
    channelId: CHANNEL,
    secret: SECRET,
    amojoBaseUrl,
  });
  return {
    bridgeUrls: instances.urls,
    cpuMs: instances.cpuMs,
    seen: instances.seen,
    reset: instances.reset,
    startWorkers: instances.startWorkers,
    close: instances.stop,
  };
}

/** The same number of signed new_message calls straight from the client, 64 at a time, no database. */
async function directClient(amojo: AmojoClient, scopeId: string, tag: string) {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < N) {
        const i = next++;
        const now = Date.now();
        await amojo.sendMessage(scopeId, {
          event_type: 'new_message',
          payload: {
            timestamp: Math.floor(now / 1000),
            msec_timestamp: now,
            msgid: `${tag}-baseline-${i}`,
            conversation_id: `${tag}-baseline-chat-${i % CONVERSATIONS}`,
            sender: { id: `${tag}-baseline-user-${i % CONVERSATIONS}`, name: 'Client' },
            message: { type: 'text', text: `Message ${i}` },
          },
        });
      }
    }),
  );
  return N / ((performance.now() - started) / 1000);
}

interface Config {
  name: string;
  tag: string;
  /** The durable floor it is measured against: SQLite's, or PostgreSQL's at this URL. */
  postgresUrl?: string;
  start(store: BenchStore, amojoBaseUrl: string): Promise<RelayBackend>;
}

/**
 * Relay throughput from the bridge API to the amojo emulator, against the direct client's rate on the same transport
 * (createHttpFetch, the worker's default) measured just before, and the backend's CPU per relayed message against the
 * durable floor's per hook: on SQLite in this process, and on PostgreSQL in one and in two backend processes sharing
 * one schema, the bridge load split between them.
 */
export async function benchRelay(): Promise<{ lines: string[]; checks: Check[] }> {
  const postgresUrl = await findBenchPostgres();
  const emulator = await startEmulator();
  const amojo = createAmojoClient({
    channelId: CHANNEL,
    secret: SECRET,
    baseUrl: emulator.url,
    // The relay worker's own transport: with the global fetch the baseline measured undici's CPU, not the emulator.
    fetch: createHttpFetch(),
  });
  const { scope_id: scopeId } = await amojo.connect({ account_id: ACCOUNT, hook_api_version: 'v2' });
  const cores = availableParallelism();
  const lines = [
    `relay: ${N} client messages over ${CONVERSATIONS} conversations per phase, emulator in its own process; the direct client and the worker both on createHttpFetch (node:http keep-alive)`,
  ];
  const configs: Config[] = [
    { name: 'SQLite synchronous=FULL, 1 instance (in process)', tag: 'sqlite', start: startInProcess },
  ];
  if (postgresUrl) {
    for (const count of [1, 2]) {
      configs.push({
        name: `PostgreSQL, ${count} instance${count > 1 ? 's' : ''} (backend processes)`,
        tag: `pg${count}`,
        postgresUrl,
        start: (store, url) => startInstances(store, url, count),
      });
    }
  } else {
    lines.push(POSTGRES_SKIPPED);
  }
  const checks: Check[] = [];
  const emulatorCpu = () => treeCpuMs(emulator.child.pid ?? 0);
  const us = (ms: number | undefined, messages: number) => (ms === undefined ? Number.NaN : (ms / messages) * 1000);
  const diff = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined ? undefined : b - a;

  try {
    for (const config of configs) await runConfig(config);
  } finally {
    emulator.close();
  }
  return { lines, checks };

  async function runConfig(config: Config) {
    const db = config.postgresUrl ? 'postgres' : 'sqlite';
    lines.push('', `-- ${config.name}`);
    // 0. Baselines of this configuration, measured right before it: the direct client, and the durable floor's CPU.
    let emulatorFrom = emulatorCpu();
    const ownFrom = ownCpuMs();
    const direct = await directClient(amojo, scopeId, config.tag);
    const directOwn = us(ownCpuMs() - ownFrom, N);
    const directEmulator = us(diff(emulatorFrom, emulatorCpu()), N);
    lines.push(
      `direct client -> emulator, 64 in flight (baseline)         ${direct.toFixed(0).padStart(6)} msg/s   CPU per message: client ${directOwn.toFixed(0)} µs, emulator ${directEmulator.toFixed(0)} µs`,
    );
    const floorServer = await startFloor({
      ...(config.postgresUrl ? { postgresUrl: config.postgresUrl } : {}),
      amojoId: ACCOUNT,
      scopeId: `${CHANNEL}_${ACCOUNT}`,
      secret: SECRET,
    });
    const floor = await loadHooks({
      urls: [floorServer.url],
      secret: SECRET,
      accountId: ACCOUNT,
      connections: 10,
      durationSeconds: FLOOR_SECONDS,
      tag: `relayfloor${config.tag}`,
      serverCpuMs: ownCpuMs,
    });
    await floorServer.close();
    lines.push(
      `durable floor (${db}), 10 connections, ${FLOOR_SECONDS} s                 ${floor.rps.toFixed(0).padStart(6)} req/s   server CPU ${floor.cpuUs.toFixed(0)} µs per hook`,
    );

    const store = await openBenchStore({
      ...(config.postgresUrl ? { postgresUrl: config.postgresUrl } : {}),
      amojoId: ACCOUNT,
      scopeId,
      bridgeKeyHash: hashApiKey(API_KEY),
    });
    const backend = await config.start(store, emulator.url);
    try {
      // How many messages reached amojo, and when the last did as the worker recorded it (Date.now() ms). Polling for
      // the end instead would add the poll interval, and in the sustained phase the load generator's exit, which
      // autocannon rounds up to a whole second: that had quantized the figure to N divided by a whole number of seconds.
      const sentToAmojo = async () => {
        const row = await store.opened.db
          .selectFrom('outbox')
          .select((eb) => [eb.fn.countAll().as('count'), eb.fn.max('completedAt').as('lastAt')])
          .where('kind', '=', 'amojo.new_message')
          .where('status', '=', 'done')
          .executeTakeFirstOrThrow();
        return { count: Number(row.count), lastAt: Number(row.lastAt) };
      };
      const allSentAt = async (total: number) => {
        await waitUntil(async () => (await sentToAmojo()).count >= total, 300_000).catch(async () => {
          const statuses = await store.opened.db
            .selectFrom('outbox')
            .select(['kind', 'status', (eb) => eb.fn.countAll().as('n')])
            .groupBy(['kind', 'status'])
            .execute();
          const counts = statuses.map((r) => `${r.kind} ${r.status} ${r.n}`).join(', ');
          throw new Error(
            `${config.name}: ${(await sentToAmojo()).count} of ${total} reached amojo in 300 s (${counts})`,
          );
        });
        return (await sentToAmojo()).lastAt;
      };
      /** Posts N client messages, split evenly over the instances, 10 connections in all; its CPU per message. */
      const postMessages = async (tag: string) => {
        const loadFrom = reapedChildrenCpuMs();
        const per = backend.bridgeUrls.length;
        const results = await Promise.all(
          backend.bridgeUrls.map((url) =>
            runLoad('bridge-load.ts', {
              url: `${url}/bridge/v1/messages`,
              apiKey: API_KEY,
              amount: Math.ceil(N / per),
              connections: Math.max(1, Math.floor(10 / per)),
              conversations: CONVERSATIONS,
              // One tag for every instance: the same conversations reach both, as behind a load balancer.
              tag: `${config.tag}-${tag}`,
            }),
          ),
        );
        return {
          p99: Math.max(...results.map((r) => r.p99)),
          non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
          loadUs: us(reapedChildrenCpuMs() - loadFrom, N),
        };
      };
      const cpuLine = (backendUs: number, emulatorUs: number, loadUs?: number) =>
        `  CPU per message: backend ${backendUs.toFixed(0)} µs, emulator ${emulatorUs.toFixed(0)} µs${loadUs === undefined ? '' : `, load generator ${loadUs.toFixed(0)} µs`}`;

      // 1. Drain: the outbox already holds N messages (accepted with the workers stopped); time the workers alone.
      await backend.reset();
      let backendFrom = backend.cpuMs();
      emulatorFrom = emulatorCpu();
      const accepted = await postMessages('drain');
      // A bridge that refused the load would otherwise show up only as a drain that never ends.
      if (accepted.non2xx > 0)
        throw new Error(`${config.name}: the bridge refused ${accepted.non2xx} of ${N} messages`);
      const acceptedSeen = await backend.seen();
      lines.push(
        `bridge accepts (202, durable), 10 connections               ${(acceptedSeen.count / ((acceptedSeen.lastAt - acceptedSeen.firstAt) / 1000)).toFixed(0).padStart(6)} req/s   p99 ${accepted.p99} ms   non-2xx ${accepted.non2xx}`,
      );
      lines.push(cpuLine(us(diff(backendFrom, backend.cpuMs()), N), us(diff(emulatorFrom, emulatorCpu()), N)));
      backendFrom = backend.cpuMs();
      emulatorFrom = emulatorCpu();
      const drainStartAt = Date.now();
      await backend.startWorkers();
      const drain = N / (((await allSentAt(N)) - drainStartAt) / 1000);
      lines.push(
        `relay drains outbox -> emulator                           ${drain.toFixed(0).padStart(6)} msg/s   of direct ${(drain / direct).toFixed(2)}`,
      );
      lines.push(cpuLine(us(diff(backendFrom, backend.cpuMs()), N), us(diff(emulatorFrom, emulatorCpu()), N)));

      // 2. Sustained: the bridge takes N more while the workers relay them; from the first request to the last at amojo.
      await backend.reset();
      backendFrom = backend.cpuMs();
      emulatorFrom = emulatorCpu();
      const live = await postMessages('live');
      const liveSeen = await backend.seen();
      const sustained = N / (((await allSentAt(2 * N)) - liveSeen.firstAt) / 1000);
      const backendUs = us(diff(backendFrom, backend.cpuMs()), N);
      const emulatorUs = us(diff(emulatorFrom, emulatorCpu()), N);
      lines.push(
        `bridge -> relay -> emulator, sustained end to end         ${sustained.toFixed(0).padStart(6)} msg/s   of direct ${(sustained / direct).toFixed(2)} (budget >= ${OF_DIRECT})   bridge non-2xx ${live.non2xx}`,
      );
      lines.push(cpuLine(backendUs, emulatorUs, live.loadUs));
      const cpuOfFloor = backendUs / floor.cpuUs;
      lines.push(
        `  backend CPU per relayed message (accept + relay) ${backendUs.toFixed(0)} µs = ${cpuOfFloor.toFixed(2)}x the durable floor's ${floor.cpuUs.toFixed(0)} µs per hook (budget <= ${CPU_OF_FLOOR}x = ${(CPU_OF_FLOOR * floor.cpuUs).toFixed(0)} µs)`,
      );
      // The goal's arithmetic: 2,000 msg/s on this machine leaves cores / 2,000 s of CPU per message for everything.
      const allowedUs = (cores * 1_000_000) / GOAL;
      const totalUs = backendUs + emulatorUs + live.loadUs;
      const reachable = totalUs <= allowedUs;
      lines.push(
        `  ${GOAL.toLocaleString('en')} msg/s on ${cores} cores allows ${allowedUs.toFixed(0)} µs of CPU per message for everything; backend ${backendUs.toFixed(0)} + emulator ${emulatorUs.toFixed(0)} + load generator (with its start-up) ${live.loadUs.toFixed(0)} = ${totalUs.toFixed(0)} µs, so at most ${((cores * 1_000_000) / totalUs).toFixed(0)} msg/s here: ${reachable ? 'reachable by CPU' : `not reachable (it would take ${((totalUs * GOAL) / 1_000_000).toFixed(1)} cores)`}`,
      );

      checks.push(
        {
          name: `relay ${config.tag} sustained end to end of the direct client, msg/s`,
          figure: sustained / direct,
          floor: `${direct.toFixed(0)} msg/s`,
          budget: `>= ${OF_DIRECT}`,
          ok: sustained / direct >= OF_DIRECT,
        },
        {
          name: `relay ${config.tag} backend CPU per message of the floor's per hook`,
          figure: cpuOfFloor,
          floor: `${floor.cpuUs.toFixed(0)} µs/hook`,
          budget: `<= ${CPU_OF_FLOOR}`,
          ok: cpuOfFloor <= CPU_OF_FLOOR,
        },
      );
    } finally {
      await backend.close();
      await store.close();
    }
  }
}
