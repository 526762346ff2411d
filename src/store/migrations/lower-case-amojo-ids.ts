import { type Kysely, type Migration, sql } from 'kysely';

interface AccountSpelling {
  account_id: number | string;
  amojo_id: string;
  created_at: number | string;
}

/**
 * amojo ids are UUIDs, which amojo may write in either case and the widget sends as the page has them; the store now
 * keeps and compares them in lower case. Rows that differ only in case are one amojo account bound to two amoCRM
 * accounts, which the case-sensitive check let through: the spelling already in lower case keeps the binding (every
 * lower-case lookup has been finding it), otherwise the account bound first. The others keep their spelling, so the
 * unique index holds; no lower-case lookup finds them, so a PUT from such an account is refused as amojo_id_taken,
 * exactly as it would have been had ids been compared in lower case from the start. Nothing is deleted.
 */
export const lowerCaseAmojoIds: Migration = {
  async up(db: Kysely<unknown>) {
    const { rows } = await sql<AccountSpelling>`
      select account_id, amojo_id, created_at from accounts
      where lower(amojo_id) in (select lower(amojo_id) from accounts where amojo_id <> lower(amojo_id))`.execute(db);
    const groups = new Map<string, AccountSpelling[]>();
    for (const row of rows) {
      const key = row.amojo_id.toLowerCase();
      groups.set(key, [...(groups.get(key) ?? []), row]);
    }
    for (const [lower, group] of groups) {
      if (group.some((row) => row.amojo_id === lower)) continue;
      const first = group.toSorted(
        (a, b) => Number(a.created_at) - Number(b.created_at) || Number(a.account_id) - Number(b.account_id),
      )[0];
      if (first === undefined) continue;
      await sql`update accounts set amojo_id = ${lower} where account_id = ${first.account_id}`.execute(db);
    }
  },
};
