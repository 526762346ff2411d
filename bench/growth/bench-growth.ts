import { CompiledQuery, type Kysely } from 'kysely';
import { createPruner } from '../../src/relay/create-pruner';
import { findHooksStillNeeded } from '../../src/store/find-hooks-still-needed';
import { insertInboxEvents, pruneInboxExcept } from '../../src/store/inbox-repo';
import { findLinkByKeyHash } from '../../src/store/links-repo';
import { claimDue, countJobs } from '../../src/store/outbox-repo';
import { pruneExpired } from '../../src/store/prune-expired';
import type { Database } from '../../src/store/schema';
import type { Check } from '../check';
import { type GrowthDatabase, openGrowthDatabase, type Statement } from './open-growth-database';
import { growthShape, seedGrowth } from './seed-growth';

const DAY = 86_400_000;
/** Timed runs per operation, after one warm-up (GROWTH_RUNS). */
const RUNS = Math.max(1, Number(process.env.GROWTH_RUNS) || 5);
/** Largest over smallest size a flat operation may cost (issue 15, item 7). */
const FLAT_BUDGET = 2;

interface Operation {
  name: string;
  /** Whether its cost must stay flat (≤ FLAT_BUDGET × from the smallest size to the largest). */
  flat: boolean;
  /** Calls per run; the figure is per call. */
  calls?: number;
  /** Runs inside a transaction that is rolled back, after `prepare` (untimed), when the operation writes. */
  rollback?: { prepare?: (db: Kysely<Database>, now: number, size: number) => Promise<unknown> };
  /** `size`: the outbox rows seeded, which `hookKeys` spreads its keys over. */
  run(db: Kysely<Database>, now: number, call: number, size: number): Promise<unknown>;
}

class Rollback extends Error {}

/**
 * `n` seeded hook keys spread evenly over a store of `size` rows, each shifted by j % 100 so that they meet every
 * status the seed gives by i % 100 (hooks of done, pending and dead jobs alike, as the pruner meets them).
 */
const hookKeys = (n: number, size: number) =>
  Array.from({ length: n }, (_, j) => `hook-${Math.min(size - 1, Math.floor((j * size) / n) + (j % 100))}`);

const allOperations: Operation[] = [
  {
    name: 'claim, healthy (64 of the due)',
    flat: true,
    // Every pending job due since the same moment, as when nothing failed: the due index then holds them in id order,
    // each key's head first.
    rollback: {
      prepare: (db, now) =>
        db
          .updateTable('outbox')
          .set({ availableAt: now - 60_000 })
          .where('status', '=', 'pending')
          .execute(),
    },
    run: (db, now) => claimDue(db, { now, limit: 64, leaseMs: 60_000, workerId: 'bench' }),
  },
  {
    name: 'claim, outage (every head waits)',
    flat: true,
    rollback: {},
    run: (db, now) => claimDue(db, { now, limit: 64, leaseMs: 60_000, workerId: 'bench' }),
  },
  { name: 'queue gauge (countJobs)', flat: true, run: (db) => countJobs(db) },
  { name: '  of it: live and dead only', flat: true, run: (db) => countJobs(db, { done: false }) },
  {
    name: 'pruner pass (createPruner.runOnce)',
    flat: true,
    run: (db, now) => createPruner({ db, now: () => now }).runOnce(),
  },
  {
    name: '  of it: pruneExpired',
    flat: true,
    run: (db, now) => pruneExpired(db, { before: now - 90 * DAY }),
  },
  {
    // What the pruner asks per page of old hooks (it pages 500 at a time); the seed's hooks are all recent, so the
    // pass above asks nothing.
    name: '  of it: hooks still needed, 500',
    flat: true,
    run: async (db, _now, _call, size) => [...(await findHooksStillNeeded(db, hookKeys(500, size)))],
  },
  {
    name: '  of it: inbox paging',
    flat: true,
    run: (db, now) => pruneInboxExcept(db, now - 30 * DAY, new Set()),
  },
  {
    // An hour's worth of hooks passing the 30-day retention, spread over the table: the pass reads and probes them,
    // deletes the ones no job needs and spares the rest.
    name: 'pruner pass, 1,000 hooks expiring',
    flat: true,
    rollback: {
      prepare: (db, now, size) =>
        db
          .updateTable('inbox')
          .set({ receivedAt: now - 31 * DAY })
          .where('dedupeKey', 'in', hookKeys(1000, size))
          .execute(),
    },
    run: (db, now) => createPruner({ db, now: () => now }).runOnce(),
  },
  {
    name: 'control: findLinkByKeyHash',
    flat: true,
    calls: 200,
    run: (db, _now, call) => findLinkByKeyHash(db, `key-hash-${call % 4}`),
  },
  {
    name: 'control: inbox insert',
    flat: true,
    calls: 200,
    rollback: {},
    run: (db, now, call) =>
      insertInboxEvents(db, [
        { dedupeKey: `new-${call}`, linkId: 'L0', kind: 'amojo.message', payload: '{}', receivedAt: now },
      ]),
  },
];

interface Figure {
  ms: number;
  plan: string[];
  note: string;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

async function explain(g: GrowthDatabase, db: Kysely<Database>, statements: Statement[]): Promise<string[]> {
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const s of statements) {
    if (!/^\s*(with|select|insert|update|delete)/i.test(s.sql) || seen.has(s.sql)) continue;
    seen.add(s.sql);
    const prefix = g.dialect === 'sqlite' ? 'explain query plan ' : 'explain ';
    const { rows } = await db.executeQuery<Record<string, unknown>>(
      CompiledQuery.raw(prefix + s.sql, [...s.parameters]),
    );
    const detail =
      g.dialect === 'sqlite'
        ? rows.map((r) => String(r.detail)).join('; ')
        : pgKeyLines(rows.map((r) => String(Object.values(r)[0] ?? '')));
    const ms = `${s.ms.toFixed(2)} ms`.padStart(10);
    if (detail !== '') lines.push(`${ms}  ${detail.length > 140 ? `${detail.slice(0, 137)}...` : detail}`);
  }
  return lines;
}

/** PostgreSQL's plan: its first line, then each distinct scan, without costs. */
const pgKeyLines = (plan: string[]) => {
  const strip = (line: string) =>
    line
      .replace(/\s*\(cost=[^)]*\)/, '')
      .replace(/^[\s->]+/, '')
      .trim();
  const scans = plan
    .slice(1)
    .filter((line) => /Scan/.test(line))
    .map(strip);
  return [...new Set([strip(plan[0] ?? ''), ...scans])].join('; ');
};

async function measure(g: GrowthDatabase, op: Operation, now: number, size: number): Promise<Figure> {
  const calls = op.calls ?? 1;
  const times: number[] = [];
  let plan: string[] = [];
  let note = '';
  // One warm-up run, then RUNS timed; the plans are taken from the last run's statements.
  for (let run = 0; run <= RUNS; run++) {
    const last = run === RUNS;
    const once = async (db: Kysely<Database>) => {
      g.recorded = [];
      g.recording = last;
      const start = process.hrtime.bigint();
      let result: unknown;
      for (let call = 0; call < calls; call++) result = await op.run(db, now, call, size);
      const ms = Number(process.hrtime.bigint() - start) / 1e6 / calls;
      g.recording = false;
      if (run > 0) times.push(ms);
      if (last) {
        plan = await explain(g, db, g.recorded);
        note = Array.isArray(result) ? `returned ${result.length}` : '';
      }
    };
    if (op.rollback) {
      await g.db
        .transaction()
        .execute(async (trx) => {
          await op.rollback?.prepare?.(trx, now, size);
          await once(trx);
          throw new Rollback();
        })
        .catch((error: unknown) => {
          if (!(error instanceof Rollback)) throw error;
        });
    } else {
      await once(g.db);
    }
  }
  return { ms: median(times), plan, note };
}

const fmtMs = (ms: number) => (ms < 1 ? ms.toFixed(3) : ms < 100 ? ms.toFixed(2) : ms.toFixed(0)).padStart(8);

/**
 * The cost that grows with stored data (issue 15, item 7): per database and size, how long each operation takes on a
 * store seeded with that many outbox rows, the ratio largest/smallest, and the plans behind each figure.
 */
export async function benchGrowth(): Promise<{ lines: string[]; checks: Check[] }> {
  const sizes = (process.env.GROWTH_SIZES ?? '10000,100000,1000000')
    .split(',')
    .map(Number)
    .filter((n) => n > 0);
  const pgUrl = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  // GROWTH_DATABASES=postgres (or sqlite) and GROWTH_OPS=<part of a name> narrow a run to the figures looked into.
  const only = (process.env.GROWTH_DATABASES ?? 'sqlite,postgres').split(',');
  const opFilter = process.env.GROWTH_OPS;
  const operations = allOperations.filter((op) => opFilter === undefined || op.name.includes(opFilter));
  const kinds: Array<'sqlite' | 'postgres'> = only.includes('sqlite') ? ['sqlite'] : [];
  const lines: string[] = [];
  const checks: Check[] = [];
  if (!only.includes('postgres')) lines.push('PostgreSQL: skipped (GROWTH_DATABASES)');
  else if (pgUrl && (await reachable(pgUrl))) kinds.push('postgres');
  else lines.push('PostgreSQL: skipped (set BENCH_DATABASE_URL or TEST_DATABASE_URL to a reachable server)');

  for (const kind of kinds) {
    const figures = new Map<number, Figure[]>();
    for (const size of sizes) {
      const g = await openGrowthDatabase(kind, pgUrl);
      try {
        const now = Date.now();
        const seedStart = performance.now();
        await seedGrowth(g.db, kind, size, now);
        const shape = growthShape(size);
        lines.push(
          `${kind} ${size.toLocaleString('en')} rows seeded in ${((performance.now() - seedStart) / 1000).toFixed(1)} s` +
            ` (${shape.pending} pending over ${shape.keys} keys, ${shape.conversations} conversations)`,
        );
        const row: Figure[] = [];
        for (const op of operations) row.push(await measure(g, op, now, size));
        figures.set(size, row);
      } finally {
        await g.close();
      }
    }
    lines.push('', `${kind}: median of ${RUNS} runs, ms per call`);
    lines.push(`${'operation'.padEnd(36)}${sizes.map((s) => s.toLocaleString('en').padStart(10)).join('')}   ratio`);
    const first = sizes[0] ?? 0;
    const lastSize = sizes[sizes.length - 1] ?? 0;
    operations.forEach((op, i) => {
      const cells = sizes.map((s) => `${fmtMs(figures.get(s)?.[i]?.ms ?? Number.NaN)}  `);
      const low = figures.get(first)?.[i]?.ms ?? Number.NaN;
      const high = figures.get(lastSize)?.[i]?.ms ?? Number.NaN;
      const ratio = high / low;
      const budget = op.flat && sizes.length > 1 ? `(budget <= ${FLAT_BUDGET})` : '';
      lines.push(`${op.name.padEnd(36)}${cells.join('')} ${ratio.toFixed(1).padStart(6)}x ${budget}`);
      if (op.flat && sizes.length > 1) {
        checks.push({
          name: `growth ${kind} ${op.name.trim()} ${first}->${lastSize}`,
          figure: ratio,
          floor: `${low.toFixed(3)} ms at ${first}`,
          budget: `<= ${FLAT_BUDGET}`,
          ok: ratio <= FLAT_BUDGET,
        });
      }
    });
    lines.push('', `${kind} plans at ${lastSize.toLocaleString('en')} rows:`);
    operations.forEach((op, i) => {
      const f = figures.get(lastSize)?.[i];
      lines.push(`  ${op.name.trim()}${f?.note ? ` (${f.note})` : ''}`);
      for (const p of f?.plan ?? []) lines.push(`    ${p}`);
    });
    lines.push('');
  }
  return { lines, checks };
}

async function reachable(url: string): Promise<boolean> {
  const { Client } = await import('pg');
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}
