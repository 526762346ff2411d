import { z } from 'zod/mini';
import { relayJob } from '../jobs/relay-jobs';
import { failPendingContact } from '../store/conversations-repo';
import { DELIVERY_HELD, findDeliveryBreaker } from '../store/delivery-breaker-repo';
import { findMessageByAmojoId } from '../store/messages-repo';
import type { OutboxJob } from '../store/outbox-repo';
import { undeliveredEffects } from './deliver-message-effects';
import type { JobEffect } from './job-effect';
import { readInboxHook } from './read-inbox-hook';
import type { RelayDeps } from './relay-deps';
import { rememberHookState } from './remember-hook-state';

/** What the manager reads beside -1/903, by the runner's failure code; any other code gets the general one. */
const TEXTS: Record<string, string> = {
  job_deadline: 'Delivering the message took too long on every attempt, so the channel gave up on it.',
  attempts_exhausted: 'The channel failed while delivering this message, on every attempt.',
  worker_lost: 'The channel stopped while delivering this message, several times, so it gave up on it.',
};
const GENERAL_TEXT = 'The channel could not deliver the message.';

/**
 * The effects a job's dead letter writes when its handler could not say them: the job was never run
 * (`worker_lost` or `attempts_exhausted`, its worker died on every attempt; `delivery_breaker_open`, held by its link's breaker past
 * the hold budget) or never finished (`job_deadline`). They are the effects the handler's own final failure would
 * write, read from the job's stored input without running anything that could take a worker down again (no media,
 * no messenger, no amojo):
 * - a manager message (`bridge.deliver` of a message or comment reply): its row, and -1/903 to amojo with the
 *   reason (for one its link's breaker held too long, since when the webhook fails), as after a delivery failure,
 *   so the manager sees it failed instead of a message forever "sent";
 * - a contact binding (`amocrm.bind_contact`): its conversation's contact state `failed`, if still `pending`, as the
 *   handler's own final failure writes it; otherwise it would read as under way forever (GET
 *   /bridge/v1/conversations/{id}); a replay of the dead letter works on a `failed` binding as on a pending one;
 * - typing and reactions: nothing, as their handler's failures write nothing either;
 * - everything else (client messages, edits, statuses to amojo; installs; connects): nothing. They have no manager
 *   waiting on them, and the failure shows among the dead letters for replay.
 * An echo of a client's own message gets nothing, as it would never have been delivered.
 */
export async function deadJobEffects(
  deps: Pick<RelayDeps, 'db' | 'now'>,
  row: OutboxJob,
  code: string,
): Promise<JobEffect | undefined> {
  if (row.kind !== 'bridge.deliver' && row.kind !== 'amocrm.bind_contact') return undefined;
  const parsed = z.safeParse(relayJob, safeJson(row.payload));
  if (parsed.success && parsed.data.kind === 'amocrm.bind_contact') {
    const { conversationRowId } = parsed.data;
    return async (trx, now) => {
      await failPendingContact(trx, conversationRowId, now);
    };
  }
  if (!parsed.success || parsed.data.kind !== 'bridge.deliver') return undefined;
  const { linkId, dedupeKey } = parsed.data;
  const webhook = await readInboxHook(deps.db, dedupeKey).catch(() => undefined);
  if (webhook?.kind !== 'message' && webhook?.kind !== 'comment_reply') return undefined;
  const { hook } = webhook;
  const amojoMsgId = hook.message.message.id;
  if (hook.message.sender.client_id) return undefined;
  if ((await findMessageByAmojoId(deps.db, linkId, amojoMsgId))?.direction === 'in') return undefined;
  const text = code === DELIVERY_HELD ? await heldText(deps, linkId) : (TEXTS[code] ?? GENERAL_TEXT);
  const state = await rememberHookState(deps, linkId, hook);
  return undeliveredEffects({ linkId, amojoMsgId, state }, { errorCode: 903, text });
}

/** A delivery its link's breaker held past the hold budget: since when the webhook fails, if the breaker says. */
async function heldText(deps: Pick<RelayDeps, 'db'>, linkId: string): Promise<string> {
  const breaker = await findDeliveryBreaker(deps.db, linkId).catch(() => undefined);
  const since = breaker ? ` since ${new Date(breaker.failingSince).toISOString()}` : '';
  return `The messenger’s webhook has been failing${since}, so the channel stopped waiting to deliver this message.`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
