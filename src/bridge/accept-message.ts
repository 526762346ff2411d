import type { Kysely } from 'kysely';
import type { AmojoMessageRef } from '../contracts/amojo/amojo-message-ref';
import type { BridgeAccepted, BridgeMessageRequest } from '../contracts/bridge';
import { bridgeJobKeys } from '../jobs/bridge-job-keys';
import { conversationOrderingKey } from '../jobs/ordering-keys';
import { insertInboundMessage } from '../store/insert-inbound-message';
import type { BridgeAcceptSqlite } from '../store/prepare-bridge-accept-sqlite';
import type { Database } from '../store/schema';
import { timeOrderedId } from '../store/time-ordered-id';
import { touchInboundAt } from '../store/touch-inbound-at';
import type { BridgeLink } from './authenticate-bridge';
import { bodyFingerprint } from './body-fingerprint';
import type { BridgeDeps } from './bridge-deps';
import { alreadyAccepted, type BridgeJob, enqueueBridgeJob } from './bridge-job';
import { bridgeMsgid } from './bridge-msgid';
import { ensureBridgeConversation } from './ensure-bridge-conversation';
import { keepContactHint } from './keep-contact-hint';
import { needsRelayCheck } from './needs-relay-check';
import { queueContactBindFirst } from './queue-contact-bind-first';
import { amojoRefOf, findReferencedMessage } from './resolve-message-ref';
import { toAmojoMessage } from './to-amojo-message';

/** One accepted message on its way to disk: everything the write needs, fixed when the request arrived. */
export interface MessageAccept {
  link: BridgeLink;
  body: BridgeMessageRequest;
  /** deps.now() at arrival. */
  now: number;
}

/**
 * The writes for one message, inside the caller's transaction; false when the message was accepted before (the same
 * body: a duplicate). A different body under the same id throws the 409, and a job amojo would refuse the 400.
 *
 * `sqlite` (SQLite only, prepareBridgeAcceptSqlite on the transaction's handle) runs the statements every message
 * takes on the raw handle, synchronously; the rare ones (a write-first binding, a duplicate, references, a contact
 * hint) still go through `trx`, on the same connection and in the same transaction.
 */
export async function writeAcceptedMessage(
  trx: Kysely<Database>,
  deps: Pick<BridgeDeps, 'ids'>,
  { link, body, now }: MessageAccept,
  sqlite?: BridgeAcceptSqlite,
): Promise<boolean> {
  const fingerprint = bodyFingerprint(body);
  const key = bridgeJobKeys.message(link.id, body.id);
  // Time-ordered by default: the rows' id indexes then grow at one end (time-ordered-id.ts).
  const newId = deps.ids ?? (() => timeOrderedId(now));
  // No look-up of the key first: a retry finds its message row already recorded below, and only then is the job
  // compared (the savepoint around this write undoes anything a 409 wrote before it).

  const { conversation, created } = await ensureBridgeConversation(
    trx,
    {
      linkId: link.id,
      accountId: link.accountId,
      conversationId: body.conversation.id,
      phone: body.conversation.phone,
      source: body.source,
      client: body.sender,
    },
    now,
    newId,
    sqlite,
  );
  const messageRowId = newId();
  const message = {
    id: messageRowId,
    linkId: link.id,
    conversationRowId: conversation.id,
    ourMsgid: bridgeMsgid(link.id, body.id),
  };
  const fresh = sqlite ? sqlite.insertInboundMessage(message, now) : await insertInboundMessage(trx, message, now);
  if (!fresh) {
    // A concurrent twin won the race (same body: duplicate; other body: 409), or a history import carried it.
    await alreadyAccepted(trx, key, fingerprint);
    return false;
  }
  const refs =
    body.reply_to === undefined && body.forward === undefined
      ? {}
      : definedRefs(await resolveRefs(trx, link, body, conversation.id));
  const request = toAmojoMessage(body, { linkId: link.id, now, ...refs });
  const hinted = body.contact !== undefined && (await keepContactHint(trx, conversation, body.contact, now));
  // Queued before the message's job, on its key: the message waits for the binding.
  if (hinted && created) await queueContactBindFirst(trx, link.id, conversation.id, request, now);
  const job: BridgeJob = {
    idempotencyKey: key,
    job: { kind: 'amojo.new_message', linkId: link.id, messageRowId, request },
    orderingKey: conversationOrderingKey(link.id, conversation.id),
    fingerprint,
    conforms: !needsRelayCheck(request),
  };
  const queued = await enqueueBridgeJob(trx, job, now, sqlite);
  if (sqlite) sqlite.touchInboundAt(conversation.id, now);
  else await touchInboundAt(trx, conversation.id, now);
  return queued;
}

/**
 * POST /bridge/v1/messages after auth and validation: durably queue one client message for amojo. `commit` writes
 * it (with writeAcceptedMessage) and resolves once it is on disk; the routes pass a group commit, so concurrent
 * requests share one transaction and one fsync. Without one, the message gets a transaction of its own.
 */
export async function acceptMessage(
  deps: BridgeDeps,
  link: BridgeLink,
  body: BridgeMessageRequest,
  commit?: (accept: MessageAccept) => Promise<boolean>,
): Promise<BridgeAccepted> {
  const accept: MessageAccept = { link, body, now: deps.now() };
  const created = commit
    ? await commit(accept)
    : await deps.db.transaction().execute((trx) => writeAcceptedMessage(trx, deps, accept));
  deps.logger.debug({ linkId: link.id, created }, 'bridge message accepted');
  return { accepted: true, id: body.id, duplicate: !created };
}

/**
 * The quoted and forwarded messages, as amojo can find them. A quote must be in the same conversation; a reference
 * we cannot resolve is dropped (the message still goes, without the quote) rather than failing at amojo later.
 */
async function resolveRefs(
  db: Kysely<Database>,
  link: BridgeLink,
  body: BridgeMessageRequest,
  conversationRowId?: string,
) {
  let replyTo: AmojoMessageRef | undefined;
  if (body.reply_to !== undefined) {
    const row = await findReferencedMessage(db, link.id, body.reply_to);
    if (row && (conversationRowId === undefined || row.conversationRowId === conversationRowId))
      replyTo = amojoRefOf(row);
  }
  let forward: { ref: AmojoMessageRef; conversationId?: string } | undefined;
  if (body.forward !== undefined && !('sender_name' in body.forward)) {
    const row = await findReferencedMessage(db, link.id, body.forward);
    const ref = row === undefined ? undefined : amojoRefOf(row);
    if (ref !== undefined) {
      forward = {
        ref,
        ...(body.forward.conversation_id === undefined ? {} : { conversationId: body.forward.conversation_id }),
      };
    }
  }
  return { replyTo, forward };
}

function definedRefs(refs: {
  replyTo: AmojoMessageRef | undefined;
  forward: { ref: AmojoMessageRef; conversationId?: string } | undefined;
}) {
  return {
    ...(refs.replyTo === undefined ? {} : { replyTo: refs.replyTo }),
    ...(refs.forward === undefined ? {} : { forward: refs.forward }),
  };
}
