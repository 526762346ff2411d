import type { Kysely } from 'kysely';
import { afterEach, beforeEach, expect } from 'vitest';
import { z } from 'zod/mini';
import type { BridgeDeps } from '../../../src/bridge/bridge-deps';
import { bridgeMsgid } from '../../../src/bridge/bridge-msgid';
import { bridgeRoutes } from '../../../src/bridge/bridge-routes';
import { relayJob } from '../../../src/jobs/relay-jobs';
import { createLogger } from '../../../src/observability/create-logger';
import { createMetrics } from '../../../src/observability/create-metrics';
import { createApp } from '../../../src/server/create-app';
import { hashApiKey } from '../../../src/store/api-key-hash';
import { findConversation } from '../../../src/store/conversations-repo';
import { upsertLink } from '../../../src/store/links-repo';
import { recordMessage } from '../../../src/store/messages-repo';
import { migrateToLatest } from '../../../src/store/migrations/migrate-to-latest';
import { openDatabase } from '../../../src/store/open-database';
import type { Database, OutboxRow } from '../../../src/store/schema';

export interface SeededLink {
  id: string;
  accountId: number;
  apiKey: string;
}

let accounts = 0;

/** A linked account whose API key is known to the test. */
export async function seedBridgeLink(db: Kysely<Database>, now: number): Promise<SeededLink> {
  accounts += 1;
  const amojoId = `00000000-0000-4000-8000-${String(accounts).padStart(12, '0')}`;
  const apiKey = `bk_test_${accounts}_${'x'.repeat(40)}`;
  const result = await upsertLink(
    db,
    {
      accountId: 40_000_000 + accounts,
      subdomain: `shop${accounts}`,
      region: 'ru',
      amojoId,
      scopeId: `11111111-2222-4333-8444-555555555555_${amojoId}`,
      title: `Shop ${accounts}`,
      timeWindowDisabled: false,
      webhookUrl: `https://messenger.example/hooks/${accounts}`,
      bridgeKeyHash: hashApiKey(apiKey),
      signingSecretEnc: 'v1.sealed',
    },
    now,
  );
  if (!result.ok) throw new Error(`seed refused: ${result.reason}`);
  return { id: result.link.id, accountId: result.link.accountId, apiKey };
}

/** The signing secret the harness pretends each seeded link holds (their sealed value is a placeholder). */
export const signingSecretOfSeeded = (link: { accountId: number }): string => `cs_test_secret_${link.accountId}`;

export interface BridgeHarness {
  db: Kysely<Database>;
  app: ReturnType<typeof createApp>;
  clock: { now: number };
  a: SeededLink;
  b: SeededLink;
  logs: string[];
  post(path: string, body: unknown, key?: string | null, headers?: Record<string, string>): Promise<Response>;
  get(path: string, key?: string): Promise<Response>;
  jobs(kind?: string): Promise<(OutboxRow & { json: Record<string, unknown> })[]>;
  close(): Promise<void>;
}

/** An in-memory SQLite store, two linked accounts, and the bridge routes mounted in the real app. */
export async function startBridgeHarness(overrides: Partial<BridgeDeps> = {}): Promise<BridgeHarness> {
  const opened = openDatabase('sqlite::memory:');
  await migrateToLatest(opened.db);
  const clock = { now: 1_767_225_600_000 };
  const a = await seedBridgeLink(opened.db, clock.now);
  const b = await seedBridgeLink(opened.db, clock.now);
  const logs: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void logs.push(line) } });
  let counter = 0;
  const deps: BridgeDeps = {
    db: opened.db,
    sqliteIn: opened.sqliteIn,
    now: () => clock.now,
    logger,
    ids: () => `row-${++counter}`,
    bot: { id: 'bot-amojo-id', name: 'Shop bot' },
    signingSecretOf: signingSecretOfSeeded,
    ...overrides,
  };
  const app = createApp({
    logger,
    metrics: createMetrics(),
    readiness: async () => ({ ok: true, checks: {} }),
    routes: [bridgeRoutes(deps)],
  });
  const post = async (
    path: string,
    body: unknown,
    key: string | null = a.apiKey,
    headers: Record<string, string> = {},
  ) =>
    app.request(path, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(key === null ? {} : { authorization: `Bearer ${key}` }),
        ...headers,
      },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const get = async (path: string, key: string = a.apiKey) =>
    app.request(path, { headers: { authorization: `Bearer ${key}` } });
  const jobs = async (kind?: string) => {
    const rows = await opened.db
      .selectFrom('outbox')
      .selectAll()
      .$if(kind !== undefined, (q) => q.where('kind', '=', kind ?? ''))
      .orderBy('id')
      .execute();
    return rows.map((row) => ({ ...row, json: JSON.parse(row.payload) as Record<string, unknown> }));
  };
  return { db: opened.db, app, clock, a, b, logs, post, get, jobs, close: () => opened.close() };
}

/** The parts of a harness that suites sharing one through `bridgeHarnessWithMessage` reach for. */
export type SharedBridgeHarness = Pick<BridgeHarness, 'db' | 'clock' | 'a' | 'post' | 'jobs'>;

/**
 * Registers, in the calling suite, a new harness before each test that has accepted the client message
 * `messageBody()` (m-1 in conv-1), closed after the test. What it returns always acts on the current test's harness.
 */
export function bridgeHarnessWithMessage(): SharedBridgeHarness {
  let current: BridgeHarness | undefined;
  beforeEach(async () => {
    current = await startBridgeHarness();
    expect((await current.post('/bridge/v1/messages', messageBody())).status).toBe(202);
  });
  afterEach(async () => {
    await current?.close();
    current = undefined;
  });
  const live = () => {
    if (!current) throw new Error('the bridge harness only exists while a test runs');
    return current;
  };
  return {
    get db() {
      return live().db;
    },
    get clock() {
      return live().clock;
    },
    get a() {
      return live().a;
    },
    post: (...args) => live().post(...args),
    jobs: (kind) => live().jobs(kind),
  };
}

/** A manager message in conversation conv-1 of account `a`, stored as the relay stores one the messenger took. */
export async function recordManagerMessage(
  h: Pick<BridgeHarness, 'db' | 'a' | 'clock'>,
  { amojoMsgId, messengerId }: { amojoMsgId: string; messengerId: string },
): Promise<void> {
  const conversationRowId = (await findConversation(h.db, h.a.id, 'conv-1'))?.id ?? '';
  const ourMsgid = bridgeMsgid(h.a.id, messengerId);
  await recordMessage(h.db, { linkId: h.a.id, conversationRowId, direction: 'out', amojoMsgId, ourMsgid }, h.clock.now);
}

/** A valid message body; override any part. */
export function messageBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 'm-1',
    conversation: { id: 'conv-1' },
    sender: { id: 'user-1', name: 'Ann Client' },
    message: { type: 'text', text: 'Hello' },
    ...overrides,
  };
}

/** The amojo requests queued as jobs of `kind`, each checked against the relay's job contract first. */
export async function queuedRequests(h: Pick<BridgeHarness, 'jobs'>, kind: string): Promise<Record<string, unknown>[]> {
  const jobs = await h.jobs(kind);
  for (const job of jobs) expect(z.safeParse(relayJob, job.json).success).toBe(true);
  return jobs.map((j) => (j.json as { request: Record<string, unknown> }).request);
}
