import { type Kysely, sql } from 'kysely';
import type { Database, InboxRow, NewInboxRow } from './schema';

/** Stores a received hook; false (not an exception) when its dedupe key was seen before. */
export async function insertInboxEvent(db: Kysely<Database>, event: NewInboxRow): Promise<boolean> {
  const inserted = await insertInboxEvents(db, [event]);
  return inserted.has(event.dedupeKey);
}

// Rows per INSERT, well inside SQLite's 32766 and PostgreSQL's 65535 bound parameters.
const INSERT_CHUNK = 500;

/**
 * Stores many hooks (one statement per 500) and returns the dedupe keys that were new. Keys repeated within the
 * call are stored once. Written as SQL rather than with the query builder: this is the webhook's hot path, and
 * building and compiling the statement cost as much CPU as SQLite's insert itself.
 */
export async function insertInboxEvents(db: Kysely<Database>, events: readonly NewInboxRow[]): Promise<Set<string>> {
  const inserted = new Set<string>();
  for (let start = 0; start < events.length; start += INSERT_CHUNK) {
    const rows = events
      .slice(start, start + INSERT_CHUNK)
      .map((e) => sql`(${e.dedupeKey}, ${e.linkId ?? null}, ${e.kind}, ${e.payload}, ${e.receivedAt})`);
    const result = await sql<{ dedupeKey: string }>`
      insert into inbox (dedupe_key, link_id, kind, payload, received_at) values ${sql.join(rows)}
      on conflict (dedupe_key) do nothing returning dedupe_key`.execute(db);
    for (const row of result.rows) inserted.add(row.dedupeKey);
  }
  return inserted;
}

export async function findInboxEvent(db: Kysely<Database>, dedupeKey: string): Promise<InboxRow | undefined> {
  return db.selectFrom('inbox').selectAll().where('dedupeKey', '=', dedupeKey).executeTakeFirst();
}

/**
 * Forgets hooks received before `before`. A redelivery older than the retention window would then be taken as new,
 * so keep it well beyond any plausible redelivery delay (days, not minutes).
 */
export async function pruneInbox(db: Kysely<Database>, before: number): Promise<number> {
  const result = await db.deleteFrom('inbox').where('receivedAt', '<', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}

// Keys per page: one bound parameter each in the DELETE (and in a probe `keep` makes), and a page of rows in memory at
// a time.
const PRUNE_PAGE = 500;
const NONE: ReadonlySet<string> = new Set();

/**
 * Which hooks to spare: a set known up front, or a probe asked once per page with that page's old keys (for the ones
 * to keep), so its cost follows the pages rather than whatever it would otherwise have to collect in advance.
 */
export type KeepHooks = ReadonlySet<string> | ((dedupeKeys: readonly string[]) => Promise<ReadonlySet<string>>);

/**
 * pruneInbox, sparing the rows `keep` names (hooks that work still in the outbox needs). Pages through the old rows
 * in (received_at, dedupe_key) order, the order of their index, each page starting where the last one stopped: a page
 * costs its own rows, however many recent hooks the table holds, and spared rows are passed over rather than read
 * again.
 */
export async function pruneInboxExcept(db: Kysely<Database>, before: number, keep: KeepHooks): Promise<number> {
  let deleted = 0;
  let after: { receivedAt: number; dedupeKey: string } | undefined;
  for (;;) {
    // A row-value comparison, which SQLite (3.15+) and PostgreSQL both match against the two-column index.
    const from =
      after === undefined ? sql`` : sql`and (received_at, dedupe_key) > (${after.receivedAt}, ${after.dedupeKey})`;
    const { rows: page } = await sql<{ receivedAt: number; dedupeKey: string }>`
      select received_at, dedupe_key from inbox where received_at < ${before} ${from}
        order by received_at, dedupe_key limit ${PRUNE_PAGE}`.execute(db);
    const keys = page.map((row) => row.dedupeKey);
    let kept: ReadonlySet<string> = typeof keep === 'function' ? NONE : keep;
    if (typeof keep === 'function' && keys.length > 0) kept = await keep(keys);
    const doomed = keys.filter((key) => !kept.has(key));
    if (doomed.length > 0) {
      const result = await db
        .deleteFrom('inbox')
        .where('dedupeKey', 'in', doomed)
        .where('receivedAt', '<', before)
        .executeTakeFirst();
      deleted += Number(result.numDeletedRows);
    }
    const last = page[page.length - 1];
    if (page.length < PRUNE_PAGE || last === undefined) return deleted;
    after = { receivedAt: Number(last.receivedAt), dedupeKey: last.dedupeKey };
  }
}
