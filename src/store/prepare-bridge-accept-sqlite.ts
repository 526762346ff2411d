import type BetterSqlite3 from 'better-sqlite3';
import type { Conversation } from './conversations-repo';
import { MessageStatus } from './messages-repo';
import { type EnqueueJobSqlite, prepareEnqueueJobSqlite } from './prepare-enqueue-job-sqlite';

/**
 * The bridge accept's hot statements on the raw SQLite handle (OpenedDatabase.sqliteIn), for use only inside a
 * transaction of the same database. Each does exactly what its Kysely twin does (selectConversation,
 * findConversationIdHolder, ensureParticipant, ensureConversation, insertInboundMessage, enqueueMany with
 * markNewHeads, touchInboundAt, isBridgeKeyLive), synchronously.
 */
export interface BridgeAcceptSqlite {
  isBridgeKeyLive(linkId: string, keyHash: string): boolean;
  selectConversation(linkId: string, conversationId: string): Conversation | undefined;
  /** findConversationIdHolder: the other link of the account whose conversation has this id, if any. */
  findConversationIdHolder(accountId: number, conversationId: string, exceptLinkId: string): string | undefined;
  /** ensureParticipant's row id: the link's participant with this client id, created on first use. */
  ensureParticipant(
    participant: { id: string; linkId: string; clientId: string; name: string; phone: string | null },
    now: number,
  ): string;
  /** ensureConversation: the link's conversation with this id, created (with no phone or source) on first use. */
  ensureConversation(
    conversation: { id: string; linkId: string; conversationId: string; participantId: string },
    now: number,
  ): { conversation: Conversation; created: boolean };
  /** False when the link already records a message with this msgid. */
  insertInboundMessage(
    message: { id: string; linkId: string; conversationRowId: string; ourMsgid: string },
    now: number,
  ): boolean;
  /** prepareEnqueueJobSqlite: false when a job with this idempotency key exists (left untouched). */
  enqueueJob: EnqueueJobSqlite;
  touchInboundAt(conversationRowId: string, at: number): void;
}

// Every column of a conversation, under the names the CamelCasePlugin gives them: the row the repo functions return.
const CONVERSATION = `id, link_id as linkId, conversation_id as conversationId, amojo_chat_id as amojoChatId,
  participant_id as participantId, phone, source_external_id as sourceExternalId, ref_pending as refPending,
  last_inbound_at as lastInboundAt, contact_hint as contactHint, contact_id as contactId,
  contact_state as contactState, created_at as createdAt, updated_at as updatedAt`;

// One set per handle: a statement belongs to the connection it was prepared on.
const prepared = new WeakMap<BetterSqlite3.Database, BridgeAcceptSqlite>();

/**
 * Through the query builder, each of these statements cost more CPU than SQLite's own work for it, and a message
 * takes five of them. Prepared once per handle and run synchronously, they cost a native call each.
 */
export function prepareBridgeAcceptSqlite(sqlite: BetterSqlite3.Database): BridgeAcceptSqlite {
  const known = prepared.get(sqlite);
  if (known !== undefined) return known;
  const keyLive = sqlite
    .prepare<[string, string], number>(
      `select 1 from links where id = ? and bridge_key_hash = ? and scope_id is not null and parked_at is null`,
    )
    .pluck();
  const conversation = sqlite.prepare<[string, string], Conversation>(
    `select ${CONVERSATION} from conversations where link_id = ? and conversation_id = ?`,
  );
  const holder = sqlite
    .prepare<[number, string, string], string>(
      `select c.link_id from conversations c inner join links l on l.id = c.link_id
       where l.account_id = ? and c.conversation_id = ? and c.link_id != ? order by c.created_at, c.id limit 1`,
    )
    .pluck();
  const insertParticipant = sqlite
    .prepare<[string, string, string, string, string | null, number, number], string>(
      `insert into participants (id, link_id, client_id, amojo_user_id, name, phone, created_at, updated_at)
       values (?, ?, ?, null, ?, ?, ?, ?) on conflict (link_id, client_id) do nothing returning id`,
    )
    .pluck();
  const participantId = sqlite
    .prepare<[string, string], string>('select id from participants where link_id = ? and client_id = ?')
    .pluck();
  const insertConversation = sqlite.prepare<[string, string, string, string, number, number], Conversation>(
    `insert into conversations (id, link_id, conversation_id, amojo_chat_id, participant_id, phone, source_external_id,
       ref_pending, last_inbound_at, contact_hint, contact_id, contact_state, created_at, updated_at)
     values (?, ?, ?, null, ?, null, null, 0, null, null, null, null, ?, ?)
     on conflict (link_id, conversation_id) do nothing returning ${CONVERSATION}`,
  );
  const message = sqlite.prepare<[string, string, string, string, number, number, number]>(
    `insert into messages (id, link_id, conversation_row_id, direction, our_msgid, amojo_msg_id, status, error_code,
       created_at, updated_at)
     values (?, ?, ?, 'in', ?, null, ?, null, ?, ?) on conflict do nothing`,
  );
  const enqueueJob = prepareEnqueueJobSqlite(sqlite);
  const touch = sqlite.prepare<[number, number, string, number]>(
    `update conversations set last_inbound_at = ?, updated_at = ?
     where id = ? and (last_inbound_at is null or last_inbound_at < ?)`,
  );
  const statements: BridgeAcceptSqlite = {
    isBridgeKeyLive: (linkId, keyHash) => keyLive.get(linkId, keyHash) !== undefined,
    selectConversation: (linkId, conversationId) => conversation.get(linkId, conversationId),
    findConversationIdHolder: (accountId, conversationId, exceptLinkId) =>
      holder.get(accountId, conversationId, exceptLinkId),
    ensureParticipant: (p, now) => {
      const id =
        insertParticipant.get(p.id, p.linkId, p.clientId, p.name, p.phone, now, now) ??
        participantId.get(p.linkId, p.clientId);
      if (id === undefined) throw new Error('participant conflicted on insert but was not found');
      return id;
    },
    ensureConversation: (c, now) => {
      const inserted = insertConversation.get(c.id, c.linkId, c.conversationId, c.participantId, now, now);
      if (inserted !== undefined) return { conversation: inserted, created: true };
      const existing = conversation.get(c.linkId, c.conversationId);
      if (existing === undefined) throw new Error('conversation conflicted on insert but was not found');
      return { conversation: existing, created: false };
    },
    insertInboundMessage: (m, now) =>
      message.run(m.id, m.linkId, m.conversationRowId, m.ourMsgid, MessageStatus.sent, now, now).changes > 0,
    enqueueJob,
    touchInboundAt: (id, at) => void touch.run(at, at, id, at),
  };
  prepared.set(sqlite, statements);
  return statements;
}
