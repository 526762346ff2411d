import type { Kysely } from 'kysely';
import { toAmojoMessage } from '../../../src/bridge/to-amojo-message';
import type { NewMessageRequest } from '../../../src/contracts/amojo';
import { conversationOrderingKey } from '../../../src/jobs/ordering-keys';
import type { RelayJob } from '../../../src/jobs/relay-jobs';
import { ensureConversation, findConversation } from '../../../src/store/conversations-repo';
import { recordMessage } from '../../../src/store/messages-repo';
import { enqueue } from '../../../src/store/outbox-repo';
import { ensureParticipant } from '../../../src/store/participants-repo';
import type { Database } from '../../../src/store/schema';

export const CHANNEL_ID = 'c4a1e5d0-7b2f-4f61-9a8e-1d2c3b4a5f60';
export const CHANNEL_SECRET = '5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1c2d3e4f';
export const MESSENGER_SECRET = 'messenger-signing-secret-for-tests';
export const ACCOUNT_AMOJO_ID = 'a7d0c0de-1111-4222-8333-944455556666';

export interface ClientMessageInput {
  messengerId: string;
  conversationId: string;
  clientId: string;
  text?: string;
  /** Changes the amojo request before it is stored (to make amojo refuse it, say). */
  edit?: (request: NewMessageRequest) => void;
}

/**
 * What the bridge's message route does with a client message, reduced to its writes: participant, conversation,
 * the message row with its derived msgid, and the amojo.new_message job on the conversation's ordering key.
 */
export async function enqueueClientMessage(db: Kysely<Database>, linkId: string, input: ClientMessageInput) {
  const now = Date.now();
  const name = `Client ${input.clientId}`;
  const { participant } = await ensureParticipant(db, { linkId, clientId: input.clientId, name }, now);
  const conversation =
    (await findConversation(db, linkId, input.conversationId)) ??
    (await ensureConversation(db, { linkId, conversationId: input.conversationId, participantId: participant.id }, now))
      .conversation;
  const request = toAmojoMessage(
    {
      id: input.messengerId,
      conversation: { id: input.conversationId },
      sender: { id: input.clientId, name },
      message: { type: 'text', text: input.text ?? `text of ${input.messengerId}` },
    },
    { linkId, now },
  );
  input.edit?.(request);
  const { message } = await recordMessage(
    db,
    { linkId, conversationRowId: conversation.id, direction: 'in', ourMsgid: request.payload.msgid },
    now,
  );
  await enqueueRelayJob(
    db,
    { kind: 'amojo.new_message', linkId, messageRowId: message.id, request },
    `amojo.new_message:${request.payload.msgid}`,
    conversationOrderingKey(linkId, input.conversationId),
  );
  return { messageRowId: message.id, msgid: request.payload.msgid, conversationRowId: conversation.id };
}

/** Enqueues a relay job the way producers do: kind and link columns beside the JSON payload. */
export async function enqueueRelayJob(
  db: Kysely<Database>,
  job: RelayJob,
  idempotencyKey: string,
  orderingKey: string | null = null,
) {
  const { job: row } = await enqueue(
    db,
    {
      idempotencyKey,
      kind: job.kind,
      payload: JSON.stringify(job),
      linkId: 'linkId' in job ? job.linkId : null,
      orderingKey,
    },
    Date.now(),
  );
  return row;
}

/** Polls until `check` returns a value other than undefined/false, or fails naming what it waited for. */
export async function waitFor<T>(what: string, check: () => Promise<T> | T, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
