import { type Kysely, sql } from 'kysely';
import { dialectOf } from './dialect-of';
import { rowsTable } from './rows-table';
import type { Database } from './schema';

/**
 * The writes a finished relay job makes that mean the same whichever job makes them first, so the jobs of one
 * committed batch can make them together.
 */
export interface JobEffectWrites {
  /** amojo's id for our message row, stored only where none is yet (as setAmojoMsgId). */
  amojoMsgIds?: readonly { messageId: string; amojoMsgId: string }[];
  /** A client message's time: its conversation's last_inbound_at (and updated_at) moves forward to it (as touchInbound). */
  inboundAt?: readonly { conversationId: string; at: number }[];
}

/**
 * Writes the effects of many jobs in one statement per table (one in all on PostgreSQL, two data-modifying CTEs),
 * instead of one per job and table: in the outbox committer's transaction each statement is a round trip to
 * PostgreSQL, and those made the bulk of it. The outcome is what running the jobs' own writes one after another
 * would leave: the first amojo id given for a message (a later one finds it set and changes nothing), and each
 * conversation's latest client message time.
 */
export async function writeJobEffects(
  db: Kysely<Database>,
  writes: readonly JobEffectWrites[],
  now: number,
): Promise<void> {
  const amojoMsgIds = new Map<string, string>();
  const inboundAt = new Map<string, number>();
  for (const write of writes) {
    for (const { messageId, amojoMsgId } of write.amojoMsgIds ?? []) {
      if (!amojoMsgIds.has(messageId)) amojoMsgIds.set(messageId, amojoMsgId);
    }
    for (const { conversationId, at } of write.inboundAt ?? []) {
      inboundAt.set(conversationId, Math.max(at, inboundAt.get(conversationId) ?? at));
    }
  }
  if (amojoMsgIds.size === 0 && inboundAt.size === 0) return;
  const dialect = dialectOf(db);
  const ids = rowsTable(dialect, 'ids', { message_id: 'text', amojo_msg_id: 'text' }, [...amojoMsgIds]);
  const inbound = rowsTable(dialect, 'inbound', { conversation_id: 'text', at: 'bigint' }, [...inboundAt]);
  // On PostgreSQL the ids again as arrays: an index condition of their own, so the rows are looked up by primary
  // key whatever the planner estimates for the unnested rows.
  const setIds = sql`
    update messages set amojo_msg_id = ids.amojo_msg_id, updated_at = ${now}
      from ids where messages.id = ids.message_id and messages.amojo_msg_id is null
      ${dialect === 'postgres' ? sql`and messages.id = any(${[...amojoMsgIds.keys()]}::text[])` : sql``}`;
  const touch = sql`
    update conversations set last_inbound_at = inbound.at, updated_at = inbound.at
      from inbound where conversations.id = inbound.conversation_id
        and (conversations.last_inbound_at is null or conversations.last_inbound_at < inbound.at)
      ${dialect === 'postgres' ? sql`and conversations.id = any(${[...inboundAt.keys()]}::text[])` : sql``}`;
  if (dialect === 'postgres') {
    await sql`with ${ids}, ${inbound}, set_ids as (${setIds}), touched as (${touch}) select 1`.execute(db);
    return;
  }
  // SQLite has no data-modifying CTEs; its statements cost no round trip.
  if (amojoMsgIds.size > 0) await sql`with ${ids} ${setIds}`.execute(db);
  if (inboundAt.size > 0) await sql`with ${inbound} ${touch}`.execute(db);
}
