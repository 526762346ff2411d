import type { Kysely } from 'kysely';
import { messengerIdFromMsgid } from '../bridge/bridge-msgid';
import { findOurMsgids } from '../store/messages-repo';
import type { Database } from '../store/schema';

/** amojo message id -> the messenger's id, for the messages a hook quotes or reacts to (one query). */
export async function messengerIdsOf(
  db: Kysely<Database>,
  linkId: string,
  amojoIds: readonly (string | undefined)[],
): Promise<Record<string, string>> {
  const ids = [...new Set(amojoIds.filter((id): id is string => id !== undefined && id !== ''))];
  const out: Record<string, string> = {};
  for (const [amojoId, ourMsgid] of await findOurMsgids(db, linkId, ids)) {
    const messengerId = messengerIdFromMsgid(linkId, ourMsgid);
    if (messengerId !== undefined) out[amojoId] = messengerId;
  }
  return out;
}
