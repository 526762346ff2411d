import { readFileSync } from 'node:fs';
import type { Kysely } from 'kysely';
import { signWebhook } from '../../../src/amojo/sign-webhook';
import { createLogger } from '../../../src/observability/create-logger';
import { createMetrics } from '../../../src/observability/create-metrics';
import { createApp } from '../../../src/server/create-app';
import { createScopeLookup } from '../../../src/server/routes/amojo-webhook/create-scope-lookup';
import { type AmojoWebhookDeps, amojoWebhookRoutes } from '../../../src/server/routes/amojo-webhook-routes';
import { createGroupCommit } from '../../../src/store/group-commit';
import type { Link } from '../../../src/store/links-repo';
import { migrateToLatest } from '../../../src/store/migrations/migrate-to-latest';
import { openDatabase } from '../../../src/store/open-database';
import type { Database } from '../../../src/store/schema';
import { writeIngressBatch } from '../../../src/store/write-ingress-batch';
import { seedLink } from '../../store/helpers/seed-link';

export const CHANNEL_ID = '11111111-2222-4333-8444-555555555555';
export const SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';
export const PREVIOUS_SECRET = '0f1e2d3c4b5a69788796a5b4c3d2e1f001234567';

export function hookFixture(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`../../fixtures/amojo/${name}.json`, import.meta.url), 'utf8'));
}

export interface PostOptions {
  secret?: string;
  signature?: string | null;
  headers?: Record<string, string>;
}

/** The webhook route mounted in the real app over an in-memory database, with one linked account. */
export async function startWebhookHarness(overrides: Partial<AmojoWebhookDeps> = {}) {
  const opened = openDatabase('sqlite::memory:');
  const db: Kysely<Database> = opened.db;
  await migrateToLatest(db);
  const link: Link = await seedLink(db);
  const clock = { now: 1_700_000_000_000 };
  const commit = createGroupCommit(
    db,
    writeIngressBatch(() => clock.now),
  );
  const metrics = createMetrics();
  const accepted: string[] = [];
  const app = createApp({
    logger: createLogger({ level: 'silent' }),
    metrics,
    readiness: async () => ({ ok: true, checks: {} }),
    routes: [
      amojoWebhookRoutes({
        channelId: CHANNEL_ID,
        secrets: [SECRET, PREVIOUS_SECRET],
        lookupScope: createScopeLookup(db),
        persist: (row) => commit.append(row),
        now: () => clock.now,
        metrics,
        onAccepted: (linkId) => accepted.push(linkId),
        ...overrides,
      }),
    ],
  });

  /** A hook body for the linked account, dated now. */
  function hook(name: string, patch: (body: Record<string, unknown>) => void = () => {}): string {
    const body = hookFixture(name);
    body.account_id = link.amojoId;
    body.time = Math.floor(clock.now / 1000);
    patch(body);
    return JSON.stringify(body);
  }

  async function post(body: string | Uint8Array, options: PostOptions = {}, scopeId = link.scopeId ?? '') {
    const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body);
    const signature =
      options.signature === undefined ? signWebhook(bytes, options.secret ?? SECRET) : options.signature;
    const headers: Record<string, string> = { 'Content-Type': 'application/json', ...options.headers };
    if (signature !== null) headers['X-Signature'] = signature;
    return app.request(`/amojo/webhook/${encodeURIComponent(scopeId)}`, { method: 'POST', headers, body: bytes });
  }

  return {
    db,
    link,
    clock,
    app,
    metrics,
    accepted,
    hook,
    post,
    inbox: () => db.selectFrom('inbox').selectAll().execute(),
    outbox: () => db.selectFrom('outbox').selectAll().orderBy('id').execute(),
    async close() {
      await commit.close();
      await opened.close();
    },
  };
}
