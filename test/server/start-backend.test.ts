import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signWebhook } from '../../src/amojo/sign-webhook';
import { createLogger } from '../../src/observability/create-logger';
import { loadConfig } from '../../src/server/config';
import { type Backend, startBackend } from '../../src/server/start-backend';
import type { Link } from '../../src/store/links-repo';
import { migrateToLatest } from '../../src/store/migrations/migrate-to-latest';
import { openDatabase } from '../../src/store/open-database';
import { seedLink } from '../store/helpers/seed-link';
import { CHANNEL_ID, hookFixture, SECRET } from './routes/amojo-webhook-harness';

const METRICS_TOKEN = 'metrics-token-for-the-test';

// The composition root itself, on a SQLite file: readiness as operators see it, and a stop that keeps its promises.
describe('startBackend', () => {
  let dir: string;
  let databaseUrl: string;
  let link: Link;
  let backend: Backend | undefined;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'backend-'));
    databaseUrl = `sqlite:${join(dir, 'channel.db')}`;
    const seeding = openDatabase(databaseUrl);
    await migrateToLatest(seeding.db);
    link = await seedLink(seeding.db, { scopeId: `${CHANNEL_ID}_52e591f7-c98f-4255-8495-827210138c81` });
    await seeding.close();
    const config = loadConfig({
      SANDBOX: '1',
      PORT: '0',
      DATABASE_URL: databaseUrl,
      MEDIA_DIR: join(dir, 'media'),
      AMOJO_CHANNEL_ID: CHANNEL_ID,
      AMOJO_CHANNEL_SECRET: SECRET,
      DATA_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
      AMOJO_BASE_URL: 'http://127.0.0.1:9',
      AMOCRM_CLIENT_ID: 'c0ffee00-0000-4000-8000-000000000001',
      AMOCRM_CLIENT_SECRET: 'integration-secret',
      PUBLIC_URL: 'http://127.0.0.1:1',
      METRICS_TOKEN: METRICS_TOKEN,
    });
    backend = await startBackend(config, {
      logger: createLogger({ level: 'silent' }),
      hostname: '127.0.0.1',
      // shortened so the test can watch the header timeout fire; the rest are the defaults
      serverLimits: { headersTimeoutMs: 400, requestTimeoutMs: 5_000, checkIntervalMs: 50 },
    });
  });
  afterEach(async () => {
    await backend?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const hook = (i: number) => {
    const fixture = hookFixture('hook-message-v2-text-with-source') as {
      message: { message: Record<string, unknown> };
    };
    fixture.message.message = { ...fixture.message.message, id: `graceful-${i}` };
    return JSON.stringify({ ...fixture, account_id: link.amojoId, time: Math.floor(Date.now() / 1000) });
  };
  const post = (body: string) =>
    fetch(`${backend?.url}/amojo/webhook/${link.scopeId}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-Signature': signWebhook(Buffer.from(body), SECRET) },
      body,
    });

  it('applies the server limits: a client trickling its headers is cut off with 408', async () => {
    const { port } = new URL(backend?.url ?? '');
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), '127.0.0.1', () => socket.write('GET /healthz HTTP/1.1\r\nHost: x\r\n'));
      let text = '';
      socket.on('data', (chunk) => {
        text += chunk.toString();
      });
      socket.on('error', reject);
      socket.on('close', () => resolve(text));
    });
    expect(answer).toMatch(/^HTTP\/1\.1 408 /);
  });

  it('guards /metrics with METRICS_TOKEN from the config, leaving the probes open', async () => {
    expect((await fetch(`${backend?.url}/metrics`)).status).toBe(401);
    const metrics = await fetch(`${backend?.url}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
    expect(metrics.status).toBe(200);
    expect((await fetch(`${backend?.url}/healthz`)).status).toBe(200);
  });

  it('reports ready with the database and the relay worker up', async () => {
    const res = await fetch(`${backend?.url}/readyz`);
    expect([res.status, await res.json()]).toEqual([
      200,
      { status: 'ready', checks: { database: true, worker: true } },
    ]);
  });

  it('stops without losing a hook it answered 200 to, and answers nothing after', async () => {
    const answers = Array.from({ length: 40 }, (_, i) =>
      post(hook(i)).then(
        (res) => res.status,
        () => 'no answer' as const,
      ),
    );
    // Stop as soon as the first answer is out, with the others at every stage from connecting to committing.
    await Promise.race(answers);
    const closing = backend?.close();
    const statuses = await Promise.all(answers);
    await closing;
    await expect(fetch(`${backend?.url}/healthz`)).rejects.toThrow();
    backend = undefined;

    const accepted = statuses.flatMap((status, i) => (status === 200 ? [`m:${link.id}:graceful-${i}`] : []));
    expect(statuses).toContain(200);
    expect(statuses.every((s) => s === 200 || s === 'no answer')).toBe(true);
    const reopened = openDatabase(databaseUrl);
    const stored = await reopened.db.selectFrom('inbox').select('dedupeKey').execute();
    const jobs = await reopened.db.selectFrom('outbox').select('status').where('kind', '=', 'bridge.deliver').execute();
    await reopened.close();
    expect(stored.map((r) => r.dedupeKey)).toEqual(expect.arrayContaining(accepted));
    expect(jobs).toHaveLength(stored.length);
    // The worker let go of what it held: nothing is left leased to a process that no longer exists.
    expect(jobs.filter((j) => j.status === 'leased')).toEqual([]);
  });
});
