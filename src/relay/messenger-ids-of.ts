import type { Kysely } from 'kysely';
import { messengerIdFromMsgid } from '../bridge/bridge-msgid';
import type { Database } from '../store/schema';

/** amojo message id -> the messenger's id, for the messages a hook quotes or reacts to (one query). */
export async function messengerIdsOf(
  db: Kysely<Database>,
  linkId: string,
  amojoIds: readonly (string | undefined)[],
): Promise<Record<string, string>> {
  const ids = [...new Set(amojoIds.filter((id): id is string => id !== undefined && id !== ''))];
  if (ids.length === 0) return {};
  const rows = await db
    .selectFrom('messages')
    .select(['amojoMsgId', 'ourMsgid'])
    .where('linkId', '=', linkId)
    .where('amojoMsgId', 'in', ids)
    .execute();
  const out: Record<string, string> = {};
  for (const row of rows) {
    const messengerId = messengerIdFromMsgid(linkId, row.ourMsgid ?? undefined);
    if (row.amojoMsgId !== null && messengerId !== undefined) out[row.amojoMsgId] = messengerId;
  }
  return out;
}
