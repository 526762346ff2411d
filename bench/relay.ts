import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '@hono/node-server';
import { createAmojoClient } from '../src/amojo/create-amojo-client';
import { bridgeRoutes } from '../src/bridge/bridge-routes';
import { createHttpFetch } from '../src/egress/create-http-fetch';
import { createLogger } from '../src/observability/create-logger';
import { createMetrics } from '../src/observability/create-metrics';
import { createRelayWorker } from '../src/relay/create-relay-worker';
import { createApp } from '../src/server/create-app';
import { hashApiKey } from '../src/store/api-key-hash';
import { upsertLink } from '../src/store/links-repo';
import { migrateToLatest } from '../src/store/migrations/migrate-to-latest';
import { openDatabase } from '../src/store/open-database';
import type { Check } from './check';
import { ownCpuMs, treeCpuMs } from './cpu-time';
import { runLoad } from './load/run-load';

const CHANNEL = '7e3f9a10-4b2c-4d5e-8f60-718293a4b5c6';
const SECRET = 'b1c2d3e4f5a60718293a4b5c6d7e8f9012345678';
const ACCOUNT = '3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f';
const API_KEY = 'ck_bench_0123456789abcdefghijklmnop';
const N = Number(process.env.BENCH_RELAY_MESSAGES ?? 4000);
const CONVERSATIONS = 200;
const GOAL = 2000; // msg/s, design.md §6
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

/** Relay throughput from the bridge API to the amojo emulator, against the emulator's own capacity. */
export async function benchRelay(): Promise<{ lines: string[]; checks: Check[] }> {
  const emulator = await startEmulator();
  const dir = mkdtempSync(join(tmpdir(), 'bench-relay-'));
  const opened = openDatabase(`sqlite:${join(dir, 'channel.db')}`);
  const db = opened.db;
  await migrateToLatest(db);
  // The relay's own transport: with the global fetch the baseline measured undici's CPU, not the emulator's capacity.
  const amojo = createAmojoClient({
    channelId: CHANNEL,
    secret: SECRET,
    baseUrl: emulator.url,
    fetch: createHttpFetch(),
  });
  const { scope_id: scopeId } = await amojo.connect({ account_id: ACCOUNT, hook_api_version: 'v2' });
  const seeded = await upsertLink(
    db,
    {
      accountId: 1,
      subdomain: 'bench',
      region: 'ru',
      amojoId: ACCOUNT,
      scopeId,
      title: 'Bench',
      timeWindowDisabled: false,
      webhookUrl: 'http://127.0.0.1:9/hook',
      bridgeKeyHash: hashApiKey(API_KEY),
      signingSecretEnc: 'unused',
    },
    Date.now(),
  );
  if (!seeded.ok) throw new Error('could not seed the link');

  const lines = [
    `relay: ${N} client messages over ${CONVERSATIONS} conversations, SQLite synchronous=FULL, emulator in its own process`,
  ];

  // CPU per message in this process (client, bridge, worker) and in the emulator's, for each phase: on 2 cores,
  // 2,000 msg/s leaves 1,000 µs of CPU per message for everything, load generator included.
  const emulatorCpu = () => treeCpuMs(emulator.child.pid ?? 0);
  const cpu = () => ({ own: ownCpuMs(), emulator: emulatorCpu() });
  /** CPU µs per message since `from`, in this process and in the emulator's (undefined without /proc). */
  const cpuUsPerMessage = (from: ReturnType<typeof cpu>, messages: number) => {
    const to = cpu();
    const us = (ms: number) => (ms / messages) * 1000;
    return {
      own: us(to.own - from.own),
      emulator: from.emulator === undefined || to.emulator === undefined ? undefined : us(to.emulator - from.emulator),
    };
  };
  const cpuPerMessage = (from: ReturnType<typeof cpu>, messages: number) => {
    const { own, emulator } = cpuUsPerMessage(from, messages);
    const emulatorText = emulator === undefined ? 'n/a' : `${emulator.toFixed(0)} µs`;
    return `CPU per message: this process ${own.toFixed(0)} µs, emulator ${emulatorText}`;
  };

  // Baseline: the same number of signed new_message calls straight from the client, 64 at a time, no database.
  let cpuFrom = cpu();
  const started = performance.now();
  let next = 0;
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
            msgid: `baseline-${i}`,
            conversation_id: `baseline-chat-${i % CONVERSATIONS}`,
            sender: { id: `baseline-user-${i % CONVERSATIONS}`, name: 'Client' },
            message: { type: 'text', text: `Message ${i}` },
          },
        });
      }
    }),
  );
  const baseline = N / ((performance.now() - started) / 1000);
  lines.push(`direct client -> emulator, 64 in flight (baseline)      ${baseline.toFixed(0).padStart(6)} msg/s`);
  const direct = cpuUsPerMessage(cpuFrom, N);
  lines.push(`  ${cpuPerMessage(cpuFrom, N)}`);
  // The goal's arithmetic: what the baseline alone spends of the CPU that 2,000 msg/s leaves on this machine.
  const allowedUs = (availableParallelism() * 1_000_000) / GOAL;
  const directUs = direct.own + (direct.emulator ?? 0);
  lines.push(
    `  ${GOAL.toLocaleString('en')} msg/s on ${availableParallelism()} cores allows ${allowedUs.toFixed(0)} µs of CPU per message for everything; the direct client and the emulator alone use ${directUs.toFixed(0)} µs, leaving ${(allowedUs - directUs).toFixed(0)} µs for the bridge, its load generator and the durable writes`,
  );

  const metrics = createMetrics();
  const logger = createLogger({ level: 'silent' });
  const worker = createRelayWorker({
    db,
    channel: { id: CHANNEL, secret: SECRET },
    amojoBaseUrl: emulator.url,
    signingSecretOf: () => 'unused',
    metrics,
    logger,
    // One link carries the whole load here: the per-link cap that keeps links fair would measure itself instead.
    linkCap: 128,
  });
  const app = createApp({
    logger,
    metrics,
    readiness: async () => ({ ok: true, checks: {} }),
    routes: [
      bridgeRoutes({
        db,
        now: Date.now,
        logger,
        signingSecretOf: () => 'unused',
        onAccepted: () => worker.notify(),
        // One link far past any messenger's rate, on purpose: the bench measures throughput, not the limit.
        limits: { requestsPerSecond: Number.POSITIVE_INFINITY },
      }),
    ],
  });
  // The load generator is a child process that takes a second or two to start and to report: phases are timed from
  // the first request the bridge sees, not from spawning it, or that start-up would count as relay time.
  const seen = { first: 0, firstAt: 0, last: 0, count: 0 };
  const fetch: typeof app.fetch = async (...args) => {
    if (seen.first === 0) Object.assign(seen, { first: performance.now(), firstAt: Date.now() });
    const response = await app.fetch(...args);
    seen.last = performance.now();
    seen.count += 1;
    return response;
  };
  const newPhase = () => Object.assign(seen, { first: 0, firstAt: 0, last: 0, count: 0 });
  const server = serve({ fetch, port: 0, hostname: '127.0.0.1' }) as Server;
  await new Promise((r) => server.once('listening', r));
  const bridgeUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bridge/v1/messages`;
  // How many messages reached amojo, and when the last did as the worker recorded it (Date.now() ms). Polling for the
  // end instead would add the poll interval, and in the sustained phase the load generator's exit, which autocannon
  // rounds up to a whole second: that had quantized the figure to N divided by a whole number of seconds.
  const sentToAmojo = async () => {
    const row = await db
      .selectFrom('outbox')
      .select((eb) => [eb.fn.countAll().as('count'), eb.fn.max('completedAt').as('lastAt')])
      .where('kind', '=', 'amojo.new_message')
      .where('status', '=', 'done')
      .executeTakeFirstOrThrow();
    return { count: Number(row.count), lastAt: Number(row.lastAt) };
  };
  /** Posts N client messages to the bridge from the load generator, 10 at a time. */
  const postMessages = (tag: string) =>
    runLoad('bridge-load.ts', {
      url: bridgeUrl,
      apiKey: API_KEY,
      amount: N,
      connections: 10,
      conversations: CONVERSATIONS,
      tag,
    });
  /** Waits for `total` messages at amojo; resolves with the time the last one got there. */
  const allSentAt = async (total: number) => {
    await waitUntil(async () => (await sentToAmojo()).count >= total, 300_000);
    return (await sentToAmojo()).lastAt;
  };

  // 1. Drain: the outbox already holds N messages (accepted with the worker stopped); time the worker alone.
  newPhase();
  cpuFrom = cpu();
  const accepted = await postMessages('drain');
  lines.push(
    `bridge accepts (202, durable), 10 connections                ${(seen.count / ((seen.last - seen.first) / 1000)).toFixed(0).padStart(6)} req/s   p99 ${accepted.p99} ms   non-2xx ${accepted.non2xx}`,
  );
  lines.push(`  ${cpuPerMessage(cpuFrom, N)}`);
  cpuFrom = cpu();
  const drainStartAt = Date.now();
  worker.start();
  const drain = N / (((await allSentAt(N)) - drainStartAt) / 1000);
  lines.push(
    `relay drains outbox -> emulator                            ${drain.toFixed(0).padStart(6)} msg/s   ratio ${(drain / baseline).toFixed(2)} (goal >= ${GOAL.toLocaleString('en')} msg/s)`,
  );
  lines.push(`  ${cpuPerMessage(cpuFrom, N)}`);

  // 2. Sustained: the bridge takes N more while the worker relays them; from the first request to the last at amojo.
  newPhase();
  cpuFrom = cpu();
  const load = await postMessages('live');
  const sustained = N / (((await allSentAt(2 * N)) - seen.firstAt) / 1000);
  lines.push(
    `bridge -> relay -> emulator, sustained end to end          ${sustained.toFixed(0).padStart(6)} msg/s   ratio ${(sustained / baseline).toFixed(2)}   (bridge non-2xx ${load.non2xx})`,
  );
  lines.push(`  ${cpuPerMessage(cpuFrom, N)}`);

  await worker.stop();
  await new Promise<void>((r) => server.close(() => r()));
  await opened.close();
  emulator.close();
  rmSync(dir, { recursive: true, force: true });
  // design.md §6: sustained end to end at least 0.7 of the direct client's rate on the same transport.
  const checks: Check[] = [
    {
      name: 'relay sustained end to end of the direct client, msg/s',
      figure: sustained / baseline,
      floor: `${baseline.toFixed(0)} msg/s`,
      budget: '>= 0.7',
      ok: sustained / baseline >= 0.7,
    },
  ];
  return { lines, checks };
}
