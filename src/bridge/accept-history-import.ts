import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { AmojoMessageRef } from '../contracts/amojo/amojo-message-ref';
import {
  type BridgeAccepted,
  type BridgeHistoryImportRequest,
  type BridgeHistoryMessage,
  bridgeTimestampToMillis,
} from '../contracts/bridge';
import { AppError } from '../http/app-error';
import { bridgeJobKeys } from '../jobs/bridge-job-keys';
import { conversationOrderingKey } from '../jobs/ordering-keys';
import { touchInbound } from '../store/conversations-repo';
import { recordMessage } from '../store/messages-repo';
import type { Database, MessageRow } from '../store/schema';
import type { BridgeLink } from './authenticate-bridge';
import { bodyFingerprint } from './body-fingerprint';
import type { BridgeDeps } from './bridge-deps';
import { type BridgeJob, enqueueBridgeJob } from './bridge-job';
import { bridgeMsgid } from './bridge-msgid';
import { ensureBridgeConversation } from './ensure-bridge-conversation';
import { keepContactHint } from './keep-contact-hint';
import { queueContactBindFirst } from './queue-contact-bind-first';
import { amojoRefOf, findReferencedMessage } from './resolve-message-ref';
import { hasHistoryAuthor, toAmojoHistoryMessage } from './to-amojo-history-message';

/** A quote inside an import: an earlier message of this batch, or a stored one of the same conversation. */
async function replyRef(
  trx: Kysely<Database>,
  link: BridgeLink,
  item: BridgeHistoryMessage,
  conversationRowId: string,
  batchIds: Set<string>,
): Promise<AmojoMessageRef | undefined> {
  if (item.reply_to === undefined) return undefined;
  if (item.reply_to.id !== undefined && batchIds.has(item.reply_to.id)) {
    return { msgid: bridgeMsgid(link.id, item.reply_to.id) };
  }
  const row: MessageRow | undefined = await findReferencedMessage(trx, link.id, item.reply_to);
  return row && row.conversationRowId === conversationRowId ? amojoRefOf(row) : undefined;
}

/**
 * POST /bridge/v1/history-imports: one batch, oldest first. Every message becomes a new_message job in the
 * conversation's order; all are silent except the newest of the final batch, so amoCRM raises one lead. Messages
 * already stored (an earlier attempt of this batch, or accepted live) are skipped, which makes a batch resumable.
 */
export async function acceptHistoryImport(
  deps: BridgeDeps,
  link: BridgeLink,
  body: BridgeHistoryImportRequest,
): Promise<BridgeAccepted> {
  const orphans = body.messages.flatMap((m, i) => (hasHistoryAuthor(m, deps.bot) ? [] : [i]));
  if (orphans.length > 0) {
    throw new AppError(
      'invalid_request',
      'Outgoing messages need author.amojo_user_id: no channel bot is configured.',
      {
        issues: orphans.map((i) => ({
          path: `messages.${i}.author.amojo_user_id`,
          message: 'required (no channel bot)',
        })),
      },
    );
  }
  const now = deps.now();
  const newId = deps.ids ?? randomUUID;
  const last = body.messages.length - 1;
  const queued = await deps.db.transaction().execute(async (trx) => {
    const { conversation, created: fresh } = await ensureBridgeConversation(
      trx,
      {
        linkId: link.id,
        accountId: link.accountId,
        conversationId: body.conversation.id,
        phone: body.conversation.phone,
        source: body.source,
        client: body.client,
      },
      now,
      newId,
    );
    // The hint is kept with the batch's first new message, never by a batch that adds none (a resubmitted one):
    // the relay binds a hinted conversation after a message of it reaches amojo, so a hint that no message follows
    // would sit unbound. A conversation this import starts is bound before its first message instead (see below).
    let hint = body.contact;
    const batchIds = new Set<string>();
    let count = 0;
    let newestInbound: number | undefined;
    for (const [i, item] of body.messages.entries()) {
      const { message, created } = await recordMessage(
        trx,
        {
          linkId: link.id,
          conversationRowId: conversation.id,
          direction: item.direction,
          ourMsgid: bridgeMsgid(link.id, item.id),
        },
        now,
        newId,
      );
      const replyTo = created ? await replyRef(trx, link, item, conversation.id, batchIds) : undefined;
      batchIds.add(item.id);
      if (!created) continue;
      const request = toAmojoHistoryMessage(body, item, {
        linkId: link.id,
        silent: !(body.final && i === last),
        bot: deps.bot,
        ...(replyTo === undefined ? {} : { replyTo }),
      });
      if (hint !== undefined) {
        const hinted = await keepContactHint(trx, conversation, hint, now);
        hint = undefined;
        if (hinted && fresh) await queueContactBindFirst(trx, link.id, conversation.id, request, now);
      }
      const job: BridgeJob = {
        idempotencyKey: bridgeJobKeys.history(link.id, body.import_id, item.id),
        job: { kind: 'amojo.new_message', linkId: link.id, messageRowId: message.id, request },
        orderingKey: conversationOrderingKey(link.id, conversation.id),
        fingerprint: bodyFingerprint({ conversation: body.conversation.id, final: body.final, item }),
      };
      if (await enqueueBridgeJob(trx, job, now)) count += 1;
      if (item.direction === 'in') newestInbound = bridgeTimestampToMillis(item.sent_at);
    }
    if (newestInbound !== undefined) await touchInbound(trx, conversation.id, newestInbound);
    return count;
  });
  deps.logger.debug({ linkId: link.id, importId: body.import_id, queued }, 'bridge history batch accepted');
  return { accepted: true, id: body.import_id, duplicate: queued === 0, queued };
}
