import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/store/migrations/migrate-to-latest';
import { openDatabase } from '../../src/store/open-database';

const dir = mkdtempSync(join(tmpdir(), 'open-database-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pragma = async (db: ReturnType<typeof openDatabase>['db'], name: string) => {
  const { rows } = await sql.raw<Record<string, unknown>>(`pragma ${name}`).execute(db);
  return Object.values(rows[0] ?? {})[0];
};

describe('openDatabase with SQLite', () => {
  it('creates missing folders and turns on WAL, synchronous=FULL, foreign keys and a busy timeout', async () => {
    const opened = openDatabase(`sqlite:${join(dir, 'nested', 'deeper', 'channel.db')}`);
    try {
      expect(opened.dialect).toBe('sqlite');
      expect(await pragma(opened.db, 'journal_mode')).toBe('wal');
      expect(await pragma(opened.db, 'synchronous')).toBe(2);
      expect(await pragma(opened.db, 'foreign_keys')).toBe(1);
      expect(await pragma(opened.db, 'busy_timeout')).toBe(5000);
      await migrateToLatest(opened.db);
      const orphan = { id: 'l', accountId: 1, title: 't', timeWindowDisabled: 0, createdAt: 1, updatedAt: 1 };
      await expect(opened.db.insertInto('links').values(orphan).execute()).rejects.toThrow(/FOREIGN KEY/);
    } finally {
      await opened.close();
    }
  });

  it('uses synchronous=NORMAL only when asked to', async () => {
    const opened = openDatabase(`sqlite:${join(dir, 'normal.db')}?synchronous=normal`);
    try {
      expect(await pragma(opened.db, 'synchronous')).toBe(1);
    } finally {
      await opened.close();
    }
  });

  it('keeps a committed row for the next connection after close', async () => {
    const url = `sqlite:${join(dir, 'reopen.db')}`;
    const first = openDatabase(url);
    await migrateToLatest(first.db);
    await first.db.insertInto('tokenIds').values({ jti: 'kept', expiresAt: 42 }).execute();
    await first.close();
    const second = openDatabase(url);
    try {
      expect(await second.db.selectFrom('tokenIds').selectAll().execute()).toEqual([{ jti: 'kept', expiresAt: 42 }]);
    } finally {
      await second.close();
    }
  });

  it('hands out the raw handle only inside a transaction, whose commit or rollback its statements share', async () => {
    const opened = openDatabase(`sqlite:${join(dir, 'raw.db')}`);
    try {
      await migrateToLatest(opened.db);
      const sqliteIn = opened.sqliteIn;
      if (!sqliteIn) throw new Error('SQLite opens with sqliteIn');
      expect(() => sqliteIn(opened.db)).toThrow(/inside a transaction/);
      const insert = (trx: typeof opened.db, jti: string) =>
        sqliteIn(trx).prepare('insert into token_ids (jti, expires_at) values (?, 1)').run(jti);
      await opened.db.transaction().execute(async (trx) => insert(trx, 'committed'));
      await expect(
        opened.db.transaction().execute(async (trx) => {
          insert(trx, 'rolled-back');
          throw new Error('abort');
        }),
      ).rejects.toThrow('abort');
      const rows = await opened.db.selectFrom('tokenIds').select('jti').execute();
      expect(rows.map((r) => r.jti)).toEqual(['committed']);
    } finally {
      await opened.close();
    }
  });

  it('runs work in a raw transaction of its own only while no transaction of db is open', async () => {
    const opened = openDatabase(`sqlite:${join(dir, 'now.db')}`);
    try {
      await migrateToLatest(opened.db);
      const sqliteNow = opened.sqliteNow;
      if (!sqliteNow) throw new Error('SQLite opens with sqliteNow');
      const insert = (jti: string) => (sqlite: Parameters<Parameters<typeof sqliteNow>[0]>[0]) => {
        expect(sqlite.inTransaction).toBe(true);
        return sqlite.prepare('insert into token_ids (jti, expires_at) values (?, 1)').run(jti).changes;
      };
      expect(sqliteNow(insert('committed'))).toEqual({ value: 1 });
      expect(() =>
        sqliteNow((sqlite) => {
          insert('rolled-back')(sqlite);
          throw new Error('abort');
        }),
      ).toThrow('abort');
      // A Kysely transaction awaiting between its statements holds the connection: nothing runs inside it.
      let inside: unknown = 'not asked';
      await expect(
        opened.db.transaction().execute(async (trx) => {
          await trx.insertInto('tokenIds').values({ jti: 'theirs', expiresAt: 1 }).execute();
          await new Promise((resolve) => setTimeout(resolve, 5));
          inside = sqliteNow(insert('inside'));
          throw new Error('their rollback');
        }),
      ).rejects.toThrow('their rollback');
      expect(inside).toBeUndefined();
      const rows = await opened.db.selectFrom('tokenIds').select('jti').execute();
      expect(rows.map((r) => r.jti)).toEqual(['committed']);
    } finally {
      await opened.close();
    }
  });

  it('has no raw handle on PostgreSQL', () => {
    const opened = openDatabase('postgres://u:p@127.0.0.1:1/none');
    expect(opened.sqliteIn).toBeUndefined();
    expect(opened.sqliteNow).toBeUndefined();
    return opened.close();
  });

  it('loses no acknowledged hook when the writing process is killed mid-stream', async () => {
    const url = `sqlite:${join(dir, 'crash.db')}`;
    const acked = await runUntilKilled(url, 200);
    expect(acked.length).toBeGreaterThanOrEqual(200);
    const reopened = openDatabase(url);
    try {
      const stored = new Set(
        (await reopened.db.selectFrom('inbox').select('dedupeKey').execute()).map((r) => r.dedupeKey),
      );
      const jobs = new Set(
        (await reopened.db.selectFrom('outbox').select('idempotencyKey').execute()).map((r) => r.idempotencyKey),
      );
      expect(acked.filter((key) => !stored.has(key))).toEqual([]);
      expect(acked.filter((key) => !jobs.has(`job-${key}`))).toEqual([]);
      // Every stored hook has its job and the other way round: they commit together.
      expect(jobs.size).toBe(stored.size);
    } finally {
      await reopened.close();
    }
  }, 30_000);
});

/** Starts the crash writer and SIGKILLs it once it has acknowledged `count` hooks; returns every ack it printed. */
function runUntilKilled(url: string, count: number): Promise<string[]> {
  const script = fileURLToPath(new URL('./helpers/crash-writer.ts', import.meta.url));
  const child = spawn(process.execPath, ['--import', 'tsx', script, url], { stdio: ['ignore', 'pipe', 'pipe'] });
  const acked: string[] = [];
  let buffered = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout.on('data', (chunk: Buffer) => {
    buffered += chunk.toString();
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) if (line.startsWith('ack ')) acked.push(line.slice(4));
    if (acked.length >= count) child.kill('SIGKILL');
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (_code, signal) => {
      if (signal === 'SIGKILL') resolve(acked);
      else reject(new Error(`crash writer ended on its own: ${stderr}`));
    });
  });
}
