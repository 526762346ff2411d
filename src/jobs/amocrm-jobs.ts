import type { CreateChatRequest } from '../contracts/amojo';
import type { NewOutboxJob } from './new-outbox-job';
import { contactOrderingKey, sourceOrderingKey } from './ordering-keys';
import type { RelayJob } from './relay-jobs';

/**
 * A sync of the link's amoCRM source. The handler reads the link as it is when it runs, so one job per change is
 * enough and a later change never waits for an earlier one to matter; `now` keeps each change's job its own. The
 * link column parks it with the link's other jobs while the installation is removed (no token to call amoCRM with).
 */
export function sourceSyncJob(linkId: string, now: number): NewOutboxJob {
  const job: RelayJob = { kind: 'amocrm.sync_source', linkId };
  return {
    idempotencyKey: `${job.kind}:${linkId}:${now}`,
    kind: job.kind,
    payload: JSON.stringify(job),
    linkId,
    orderingKey: sourceOrderingKey(linkId),
  };
}

/** What a contact binding may carry beyond its conversation: see contactBindJob. */
export interface ContactBindOptions {
  /**
   * The conversation's key (conversationOrderingKey) when the binding must come before the conversation's first
   * message, so amoCRM files the chat under the client's contact rather than opening an unsorted lead; the
   * binding's own key (the default) when it comes after, and nothing waits for it.
   */
  orderingKey?: string;
  /**
   * How to open the amojo chat when its id is not known yet (create-chat is idempotent per conversation_id): the
   * user and source of the message it precedes.
   */
  chat?: CreateChatRequest;
}

/** The one contact binding of a conversation: one key per conversation, so it is queued at most once. */
export function contactBindJob(
  linkId: string,
  conversationRowId: string,
  options: ContactBindOptions = {},
): NewOutboxJob {
  const job: RelayJob = {
    kind: 'amocrm.bind_contact',
    linkId,
    conversationRowId,
    ...(options.chat === undefined ? {} : { chat: options.chat }),
  };
  return {
    idempotencyKey: `${job.kind}:${conversationRowId}`,
    kind: job.kind,
    payload: JSON.stringify(job),
    linkId,
    orderingKey: options.orderingKey ?? contactOrderingKey(conversationRowId),
  };
}
