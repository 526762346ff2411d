import type { Kysely } from 'kysely';
import type { AmojoMessageRef } from '../contracts/amojo/amojo-message-ref';
import type { BridgeMessageRef } from '../contracts/bridge';
import { findMessageByAmojoId, findMessageByOurId } from '../store/messages-repo';
import type { Database, MessageRow } from '../store/schema';
import { bridgeMsgid } from './bridge-msgid';

/**
 * The message a bridge reference names, within one link only (another link's ids simply are not found). `id` is
 * the messenger's: a client message it posted, or a manager message it named in a delivery answer (the relay
 * stores that as our msgid); `message_id` is amojo's, as sent in outbound events.
 */
export async function findReferencedMessage(
  db: Kysely<Database>,
  linkId: string,
  ref: BridgeMessageRef,
): Promise<MessageRow | undefined> {
  if (ref.message_id !== undefined) return findMessageByAmojoId(db, linkId, ref.message_id);
  if (ref.id !== undefined) return findMessageByOurId(db, linkId, bridgeMsgid(linkId, ref.id));
  return undefined;
}

/**
 * How amojo should be told about a stored message: client messages by our msgid (known before amojo answers, and
 * jobs of one conversation run in order), manager messages by amojo's id (amojo never saw our msgid for them).
 */
export function amojoRefOf(row: MessageRow): AmojoMessageRef | undefined {
  if (row.direction === 'in' && row.ourMsgid !== null) return { msgid: row.ourMsgid };
  if (row.amojoMsgId !== null) return { id: row.amojoMsgId };
  return undefined;
}
