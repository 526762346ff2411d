import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseReplayArgs } from '../../src/cli/parse-replay-args';
import { migrateToLatest } from '../../src/store/migrations/migrate-to-latest';
import { openDatabase } from '../../src/store/open-database';
import { claimDue, deadLetter, enqueue } from '../../src/store/outbox-repo';
import { runCli } from '../cli/run-cli';
import { seedLink } from '../store/helpers/seed-link';

function runReplay(args: string[], databaseUrl: string) {
  return runCli('replay.ts', args, { DATABASE_URL: databaseUrl });
}

describe('parseReplayArgs', () => {
  it('reads filters, and insists on --all when there is none', () => {
    expect(parseReplayArgs(['--kind', 'bridge.deliver', '--link', 'L'])).toEqual({
      ok: true,
      filter: { kind: 'bridge.deliver', linkId: 'L' },
    });
    expect(parseReplayArgs(['--id', '3', '--id', '9'])).toEqual({ ok: true, filter: { ids: [3, 9] } });
    expect(parseReplayArgs(['--all'])).toEqual({ ok: true, filter: {} });
    expect(parseReplayArgs([])).toMatchObject({ ok: false, error: expect.stringContaining('--all') });
    expect(parseReplayArgs(['--all', '--kind', 'bridge.deliver'])).toMatchObject({ ok: false });
    expect(parseReplayArgs(['--kind', 'nope'])).toMatchObject({ ok: false, error: 'unknown --kind nope' });
    expect(parseReplayArgs(['--id', 'x'])).toMatchObject({ ok: false });
    expect(parseReplayArgs(['--bogus'])).toMatchObject({ ok: false });
  });
});

describe('npm run replay', () => {
  const dir = mkdtempSync(join(tmpdir(), 'replay-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('requeues the matching dead letters, prints how many, and refuses unclear arguments', async () => {
    const url = `sqlite:${join(dir, 'channel.db')}`;
    const opened = openDatabase(url);
    try {
      await migrateToLatest(opened.db);
      const link = await seedLink(opened.db);
      const now = Date.now();
      const kinds = ['bridge.deliver', 'bridge.deliver', 'amojo.new_message', 'amojo.typing'];
      for (const [i, kind] of kinds.entries()) {
        await enqueue(opened.db, { idempotencyKey: `k${i}`, kind, payload: '{}', linkId: link.id }, now);
      }
      const claimed = await claimDue(opened.db, { now, limit: 3, leaseMs: 1000, workerId: 'w' });
      for (const job of claimed) await deadLetter(opened.db, job, { workerId: 'w', errorCode: 'x', now });

      const deliveries = await runReplay(['--kind', 'bridge.deliver'], url);
      expect([deliveries.code, deliveries.stdout.trim()]).toEqual([0, 'requeued 2 dead letters']);
      const rest = await runReplay(['--all'], url);
      expect([rest.code, rest.stdout.trim()]).toEqual([0, 'requeued 1 dead letter']);
      const refused = await runReplay([], url);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain('usage: npm run replay');

      const rows = await opened.db.selectFrom('outbox').select(['kind', 'status', 'attempts']).orderBy('id').execute();
      expect(rows.map((r) => [r.status, r.attempts])).toEqual([
        ['pending', 0],
        ['pending', 0],
        ['pending', 0],
        ['pending', 0],
      ]);
    } finally {
      await opened.close();
    }
  }, 30_000);
});
