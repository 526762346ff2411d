import type { Kysely } from 'kysely';
import type { AmojoClient } from '../amojo/create-amojo-client';
import type { HistoryMessage } from '../contracts/amojo';
import { bridgeDeliverJob } from '../jobs/bridge-deliver-job';
import type { RelayJob } from '../jobs/relay-jobs';
import type { Logger } from '../observability/create-logger';
import { bindConversation, type Conversation, findConversationById } from '../store/conversations-repo';
import { findHeldHooks } from '../store/find-held-hooks';
import { findKnownAmojoMessages } from '../store/find-known-amojo-messages';
import type { Link } from '../store/links-repo';
import { findParticipantById, type Participant } from '../store/participants-repo';
import type { Database } from '../store/schema';
import { type IngressRow, writeIngressBatch } from '../store/write-ingress-batch';
import { buildMissedHook } from './build-missed-hook';

/** amojo's largest history page (chats-api §1.12). */
const PAGE_SIZE = 50;
/** Pages read per chat at most: 200 messages back is far beyond any outage the window is meant for. */
const MAX_PAGES = 4;

type RecoverJob = Extract<RelayJob, { kind: 'amojo.recover_history' }>;

export interface RecoveryDeps {
  db: Kysely<Database>;
  /** The amojo client for an account's region. */
  amojo: (region: string) => AmojoClient;
  link: (linkId: string) => Promise<Link | undefined>;
  now: () => number;
  /** Counts the messages recovered (amojo_hooks_recovered_total). */
  recovered?: { inc(value?: number): void } | undefined;
  logger?: Logger | undefined;
}

/**
 * One chat's missed manager messages, read back from amojo history (newest first, pages of 50) and stored as the
 * hooks amojo would have sent: inbox row under the webhook's own dedupe key `m:<link>:<amojo message id>` plus its
 * `bridge.deliver` job, oldest first, in one transaction. A hook that did arrive holds that key already, so it is
 * never delivered twice, and one arriving after this is a duplicate at the door.
 *
 * Reading stops at a manager message we held before the gap (`heldBefore`), at one older than the window (`since`)
 * or after four pages. A 429 or 5xx from amojo is thrown as the client's AmojoError: the relay retries it with
 * backoff. The answer is the outcome only: nothing is left to write when the job completes.
 */
export async function recoverHistory(deps: RecoveryDeps, job: RecoverJob): Promise<{ outcome: string }> {
  const link = await deps.link(job.linkId);
  // An unlinked or parked link has no scope at amojo (or no installation): nothing to read, and nowhere to deliver.
  if (!link?.scopeId || link.unlinkedAt !== null) return { outcome: 'link_unlinked' };
  if (link.parkedAt !== null) return { outcome: 'link_parked' };
  const conversation = await findConversationById(deps.db, job.conversationRowId);
  if (!conversation || conversation.linkId !== link.id) return { outcome: 'no_chat' };
  const participant = conversation.participantId
    ? await findParticipantById(deps.db, conversation.participantId)
    : undefined;
  const amojo = deps.amojo(link.region);
  const chatId =
    conversation.amojoChatId ??
    (await learnChatId(deps, amojo, { id: link.id, scopeId: link.scopeId }, conversation, participant));
  if (chatId === undefined) return { outcome: 'no_chat' };

  const missed: HistoryMessage[] = [];
  const seen = new Set<string>();
  read: for (let page = 0; page < MAX_PAGES; page += 1) {
    const { messages } = await amojo.history(
      link.scopeId,
      chatId,
      { offset: page * PAGE_SIZE, limit: PAGE_SIZE },
      { retry: false },
    );
    // `client_id` marks our own messages, but the docs let amojo leave empty fields out: a message we sent is also
    // known by its amojo id, and is never mistaken for a manager's (it had no hook to miss).
    const ours = await findKnownAmojoMessages(
      deps.db,
      link.id,
      messages.map((item) => item.message.id),
    );
    const managers = messages.filter((item) => !ours.has(item.message.id) && isManagerMessage(item, participant));
    const held = await findHeldHooks(
      deps.db,
      managers.map((item) => dedupeKeyOf(link.id, item)),
    );
    for (const item of managers) {
      // The docs show history newest first, not that its timestamps never step back (an import, a late client
      // message): an old item is passed over, and only a page wholly older than the window ends the read.
      if (timeOf(item) < job.since) continue;
      // Messages shift down a page when new ones arrive between two reads: one seen already is passed over.
      if (seen.has(item.message.id)) continue;
      seen.add(item.message.id);
      const receivedAt = held.get(dedupeKeyOf(link.id, item));
      if (receivedAt === undefined) missed.push(item);
      else if (receivedAt < job.heldBefore) break read;
    }
    if (messages.length < PAGE_SIZE || messages.every((item) => timeOf(item) < job.since)) break;
  }
  if (missed.length === 0) return { outcome: 'nothing_missed' };

  const now = deps.now();
  const rows: IngressRow[] = [];
  for (const item of missed.reverse()) {
    const hook = buildMissedHook(item, {
      accountAmojoId: link.amojoId,
      conversation: { ...conversation, amojoChatId: chatId },
      participant,
    });
    if (hook === undefined) continue;
    const dedupeKey = dedupeKeyOf(link.id, item);
    rows.push({
      event: { dedupeKey, linkId: link.id, kind: 'message', payload: JSON.stringify(hook), receivedAt: now },
      job: bridgeDeliverJob(link.id, dedupeKey, chatId),
    });
  }
  const results = await deps.db.transaction().execute((trx) => writeIngressBatch(() => now)(trx, rows));
  const recovered = results.filter((result) => result === 'new').length;
  if (recovered === 0) return { outcome: 'nothing_missed' };
  deps.recovered?.inc(recovered);
  deps.logger?.info(
    { linkId: link.id, conversationRowId: conversation.id, chatId, recovered },
    'missed manager messages recovered from amojo history',
  );
  return { outcome: 'recovered' };
}

/**
 * amojo's id of a chat we only ever wrote to: the answer to new_message names our conversation id, not amojo's, so
 * a chat whose first manager reply was missed has no id here. Create-chat is idempotent per conversation_id and gives
 * the existing chat's id back (chats-api §1.10); the sweep only queues chats one of our messages reached, so this never
 * opens a chat at amojo. The id is kept, as a hook would have kept it.
 */
async function learnChatId(
  deps: RecoveryDeps,
  amojo: AmojoClient,
  link: { id: string; scopeId: string },
  conversation: Conversation,
  participant: Participant | undefined,
): Promise<string | undefined> {
  if (conversation.conversationId === null || !participant?.clientId) return undefined;
  const chat = await amojo.createChat(
    link.scopeId,
    {
      conversation_id: conversation.conversationId,
      source: { external_id: link.id },
      user: { id: participant.clientId, name: participant.name ?? participant.clientId },
    },
    { retry: false },
  );
  await bindConversation(deps.db, conversation.id, { amojoChatId: chat.id }, deps.now());
  return chat.id;
}

/** The webhook's key for a message hook (hookDedupeKey): the same key is what makes a late hook a duplicate. */
function dedupeKeyOf(linkId: string, item: HistoryMessage): string {
  return `m:${linkId}:${item.message.id}`;
}

function timeOf(item: HistoryMessage): number {
  return item.msec_timestamp ?? item.timestamp * 1000;
}

/**
 * What a manager or the bot wrote in amoCRM, the messages amojo announces with a hook. A message WE sent carries our
 * msgid as `message.client_id`: the client's own messages and the outgoing ones we imported, which never had a hook.
 * A sender with a `client_id` is one of our clients (history gives it for participants we named, [ref]), and so is
 * the chat's client named by amojo's id (a write-first client not bound yet).
 */
function isManagerMessage(item: HistoryMessage, participant: Participant | undefined): boolean {
  if (item.message.client_id) return false;
  if (item.sender.client_id) return false;
  return participant?.amojoUserId == null || item.sender.id !== participant.amojoUserId;
}
