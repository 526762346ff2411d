import { type Kysely, sql } from 'kysely';
import { dialectOf } from './dialect-of';
import type { Database } from './schema';

// Bytes of mirrored media per account (table `media_usage`, migration 0007), one row per file id. A download
// reserves its row before it writes a byte and settles it with the real size once the file is on disk; usage is
// the sum over the rows still inside the files' life, so a file that expires stops counting even before the pruner
// deletes its row. Raw SQL keeps the table out of schema.ts: nothing but these functions reads it.

export interface MediaUsageWindow {
  /** Files saved before this are past their life (the pruner deletes them): they no longer count. */
  keptSince: number;
  /** A reservation never settled before this belongs to a download that died (a crash): it no longer counts. */
  pendingSince: number;
}

const counted = (accountId: string, window: MediaUsageWindow, exceptId: string) => sql<number>`
  select coalesce(sum(bytes), 0) from media_usage
  where account_id = ${accountId} and saved_at >= ${window.keptSince} and id <> ${exceptId}
    and (settled = 1 or saved_at >= ${window.pendingSince})`;

/**
 * Reserves `bytes` for file `id` of `accountId` when the account's other live files and downloads leave room under
 * `quotaBytes`; true when reserved. A retry of the same id replaces its own reservation rather than adding to it.
 * The check and the insert are one statement under a per-account lock (PostgreSQL: an advisory lock; SQLite has one
 * writer at a time), so concurrent downloads of several instances cannot all squeeze under the quota at once.
 */
export async function reserveMediaUsage(
  db: Kysely<Database>,
  now: number,
  input: { id: string; accountId: string; bytes: number; quotaBytes: number } & MediaUsageWindow,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    if (dialectOf(trx) === 'postgres') {
      await sql`select pg_advisory_xact_lock(hashtext(${`media_usage:${input.accountId}`}))`.execute(trx);
    }
    // Casts: PostgreSQL would type bare parameters in a SELECT list as text. The WHERE on the SELECT keeps SQLite
    // from reading ON CONFLICT as a join constraint.
    const result = await sql<{ id: string }>`
      insert into media_usage (id, account_id, bytes, settled, saved_at)
      select ${input.id}, ${input.accountId}, cast(${input.bytes} as bigint), 0, cast(${now} as bigint)
      where (${counted(input.accountId, input, input.id)}) + ${input.bytes} <= ${input.quotaBytes}
      on conflict (id) do update
        set account_id = excluded.account_id, bytes = excluded.bytes, settled = 0, saved_at = excluded.saved_at
      returning id`.execute(trx);
    return result.rows.length > 0;
  });
}

/** The file is on disk: its row now counts its real size, from the time it was saved. */
export async function settleMediaUsage(db: Kysely<Database>, now: number, id: string, bytes: number): Promise<void> {
  await sql`update media_usage set bytes = ${bytes}, settled = 1, saved_at = ${now} where id = ${id}`.execute(db);
}

/** The download failed and kept nothing: its reservation goes, unless the file was saved meanwhile. */
export async function releaseMediaUsage(db: Kysely<Database>, id: string): Promise<void> {
  await sql`delete from media_usage where id = ${id} and settled = 0`.execute(db);
}

/** What `accountId`'s live files and downloads take now, in bytes. */
export async function mediaUsageOf(db: Kysely<Database>, accountId: string, window: MediaUsageWindow): Promise<number> {
  const result = await sql<{ total: number | string }>`select (${counted(accountId, window, '')}) as total`.execute(db);
  // PostgreSQL sums bigints as numeric, which arrives as text.
  return Number(result.rows[0]?.total ?? 0);
}

/** Deletes rows of files saved before `before` (their files are pruned by then); returns how many. */
export async function pruneMediaUsage(db: Kysely<Database>, before: number): Promise<number> {
  const result = await sql`delete from media_usage where saved_at < ${before}`.execute(db);
  return Number(result.numAffectedRows ?? 0n);
}
