import { type Kysely, sql } from 'kysely';
import { expect, it } from 'vitest';
import { type BatchWriter, createGroupCommit } from '../../src/store/group-commit';
import type { Database } from '../../src/store/schema';
import { type IngressRow, writeIngressBatch } from '../../src/store/write-ingress-batch';
import { seedLink } from './helpers/seed-link';
import { describeEachDatabase } from './helpers/test-databases';

const T0 = 1_700_000_000_000;

const hook = (key: string, linkId: string | null = null): IngressRow => ({
  event: { dedupeKey: key, linkId, kind: 'message', payload: `{"k":"${key}"}`, receivedAt: T0 },
  job: { idempotencyKey: `deliver:${key}`, kind: 'bridge.deliver', payload: `{"k":"${key}"}`, linkId },
});

const countRows = async (db: Kysely<Database>) => ({
  inbox: (await db.selectFrom('inbox').select('dedupeKey').execute()).length,
  outbox: (await db.selectFrom('outbox').select('id').execute()).length,
});

/** A promise with its resolve function, to hold a batch open inside its transaction. */
function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

describeEachDatabase('group commit', (t) => {
  it('commits concurrent appends in one transaction and stores each hook with its job', async () => {
    const ingress = createGroupCommit(
      t.db,
      writeIngressBatch(() => T0),
      { maxBatch: 64, maxDelayMs: 5 },
    );
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => ingress.append(hook(`h${i}`))));
    expect(results).toEqual(Array(50).fill('new'));
    expect(ingress.stats()).toEqual({ batches: 1, rows: 50, fallbacks: 0 });
    expect(await countRows(t.db)).toEqual({ inbox: 50, outbox: 50 });
    await ingress.close();
  });

  it('flushes as soon as maxBatch rows wait', async () => {
    const ingress = createGroupCommit(
      t.db,
      writeIngressBatch(() => T0),
      { maxBatch: 10, maxDelayMs: 60_000 },
    );
    await Promise.all(Array.from({ length: 50 }, (_, i) => ingress.append(hook(`m${i}`))));
    expect(ingress.stats().batches).toBe(5);
    await ingress.close();
  });

  it('gathers rows on the next event-loop turn when maxDelayMs is 0', async () => {
    const ingress = createGroupCommit(
      t.db,
      writeIngressBatch(() => T0),
      { maxDelayMs: 0 },
    );
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => ingress.append(hook(`z${i}`))));
    expect(results.every((r) => r === 'new')).toBe(true);
    expect(ingress.stats().batches).toBe(1);
    await ingress.close();
  });

  it('answers duplicate for a redelivered hook, inside one batch and across batches, enqueueing one job', async () => {
    const ingress = createGroupCommit(
      t.db,
      writeIngressBatch(() => T0),
    );
    expect(await ingress.append(hook('seen'))).toBe('new');
    const results = await Promise.all([
      ingress.append(hook('seen')),
      ingress.append(hook('twice')),
      ingress.append(hook('twice')),
      ingress.append(hook('once')),
    ]);
    expect(results).toEqual(['duplicate', 'new', 'duplicate', 'new']);
    expect(await countRows(t.db)).toEqual({ inbox: 3, outbox: 3 });
    await ingress.close();
  });

  it('fails only the caller of a bad row and still commits the rest of its batch', async () => {
    const link = await seedLink(t.db);
    const ingress = createGroupCommit(
      t.db,
      writeIngressBatch(() => T0),
      { maxDelayMs: 5 },
    );
    const settled = await Promise.allSettled([
      ingress.append(hook('good-1', link.id)),
      ingress.append(hook('orphan', 'no-such-link')),
      ingress.append(hook('good-2', link.id)),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(ingress.stats()).toMatchObject({ batches: 1, fallbacks: 1 });
    const keys = (await t.db.selectFrom('inbox').select('dedupeKey').execute()).map((r) => r.dedupeKey).sort();
    expect(keys).toEqual(['good-1', 'good-2']);
    await ingress.close();
  });

  it('resolves a caller only after its transaction commits, and rejects when the commit itself fails', async () => {
    await sql`create table gc_parent (k text primary key)`.execute(t.db);
    await sql`create table gc_child (k text primary key, parent text references gc_parent (k) deferrable initially deferred)`.execute(
      t.db,
    );
    try {
      // The foreign key is checked at COMMIT, so every statement succeeds and only the commit can fail.
      const write: BatchWriter<{ k: string; parent: string }, string> = async (trx, rows) => {
        for (const row of rows)
          await sql`insert into gc_child (k, parent) values (${row.k}, ${row.parent})`.execute(trx);
        return rows.map(() => 'ok');
      };
      await sql`insert into gc_parent (k) values ('p')`.execute(t.db);
      const gc = createGroupCommit(t.db, write, { maxDelayMs: 2 });
      const settled = await Promise.allSettled([
        gc.append({ k: 'fine', parent: 'p' }),
        gc.append({ k: 'dangling', parent: 'missing' }),
      ]);
      expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected']);
      const { rows } = await sql<{ k: string }>`select k from gc_child`.execute(t.db);
      expect(rows).toEqual([{ k: 'fine' }]);
      await gc.close();
    } finally {
      await sql`drop table gc_child`.execute(t.db);
      await sql`drop table gc_parent`.execute(t.db);
    }
  });

  it('keeps callers waiting while their batch is open and sends later arrivals in the next batch', async () => {
    const entered = gate();
    const hold = gate();
    const write: BatchWriter<string, string> = async (trx, rows) => {
      if (rows.includes('a')) {
        entered.open();
        await hold.opened;
      }
      await trx
        .insertInto('tokenIds')
        .values(rows.map((jti) => ({ jti, expiresAt: T0 })))
        .execute();
      return rows.map((r) => `stored ${r}`);
    };
    const gc = createGroupCommit(t.db, write, { maxDelayMs: 1 });
    const resolved: string[] = [];
    const first = ['a', 'b'].map((r) => gc.append(r).then((x) => resolved.push(x)));
    await entered.opened;
    const later = ['c', 'd', 'e'].map((r) => gc.append(r).then((x) => resolved.push(x)));
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(resolved).toEqual([]);
    hold.open();
    await Promise.all([...first, ...later]);
    expect(resolved).toEqual(['stored a', 'stored b', 'stored c', 'stored d', 'stored e']);
    expect(gc.stats()).toMatchObject({ batches: 2, rows: 5 });
    await gc.close();
  });

  it('close() commits what is waiting and refuses new rows', async () => {
    const ingress = createGroupCommit(
      t.db,
      writeIngressBatch(() => T0),
      { maxDelayMs: 60_000 },
    );
    const pending = Array.from({ length: 5 }, (_, i) => ingress.append(hook(`c${i}`)));
    await ingress.close();
    expect(await Promise.all(pending)).toEqual(Array(5).fill('new'));
    expect(await countRows(t.db)).toEqual({ inbox: 5, outbox: 5 });
    await expect(ingress.append(hook('late'))).rejects.toThrow(/closed/);
  });

  it('writes a batch through writeNow when it can, through write when it answers undefined, row by row when it fails', async () => {
    const seen: string[][] = [];
    let mode: 'now' | 'later' | 'throw' = 'now';
    const writeNow = (rows: readonly IngressRow[]) => {
      seen.push(rows.map((r) => r.event.dedupeKey));
      if (mode === 'later') return undefined;
      if (mode === 'throw' && rows.length > 1) throw new Error('batch refused');
      return rows.map(() => 'new' as const);
    };
    const ingress = createGroupCommit(
      t.db,
      writeIngressBatch(() => T0),
      { maxDelayMs: 0, writeNow },
    );
    expect(await Promise.all([ingress.append(hook('n1')), ingress.append(hook('n2'))])).toEqual(['new', 'new']);
    // writeNow answered: the Kysely writer never ran, so nothing reached the tables.
    expect(await countRows(t.db)).toEqual({ inbox: 0, outbox: 0 });
    mode = 'later';
    expect(await Promise.all([ingress.append(hook('w1')), ingress.append(hook('w1'))])).toEqual(['new', 'duplicate']);
    expect(await countRows(t.db)).toEqual({ inbox: 1, outbox: 1 });
    mode = 'throw';
    expect(await Promise.all([ingress.append(hook('t1')), ingress.append(hook('t2'))])).toEqual(['new', 'new']);
    expect(seen).toEqual([['n1', 'n2'], ['w1', 'w1'], ['t1', 't2'], ['t1'], ['t2']]);
    expect(ingress.stats()).toEqual({ batches: 3, rows: 6, fallbacks: 1 });
    await ingress.close();
  });

  it('refuses a whole batch the database itself failed, without retrying it a row at a time', async () => {
    let calls = 0;
    const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    const write: BatchWriter<IngressRow, 'new'> = async () => {
      calls += 1;
      throw full;
    };
    const ingress = createGroupCommit(t.db, write, { maxDelayMs: 0 });
    const settled = await Promise.allSettled([ingress.append(hook('f1')), ingress.append(hook('f2'))]);
    expect(settled).toEqual(Array(2).fill({ status: 'rejected', reason: full }));
    expect(calls).toBe(1);
    expect(ingress.stats()).toEqual({ batches: 1, rows: 2, fallbacks: 0 });
    await ingress.close();
  });
});
