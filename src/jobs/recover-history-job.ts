import type { NewOutboxJob } from './new-outbox-job';
import { recoveryOrderingKey } from './ordering-keys';
import type { RelayJob } from './relay-jobs';

export interface RecoverHistoryInput {
  linkId: string;
  conversationRowId: string;
  /**
   * Which sweep asked: the periodic sweep's time slot (`floor(now / every)`), so instances sweeping together queue a
   * chat once per slot, or the process's boot id, so every start reads again.
   */
  slot: string | number;
  since: number;
  heldBefore: number;
}

/** The job that reads one chat's amojo history for missed manager messages (src/recovery/recover-history.ts). */
export function recoverHistoryJob(input: RecoverHistoryInput): NewOutboxJob {
  const { linkId, conversationRowId, since, heldBefore } = input;
  const payload: RelayJob = { kind: 'amojo.recover_history', linkId, conversationRowId, since, heldBefore };
  return {
    idempotencyKey: `recover:${conversationRowId}:${input.slot}`,
    kind: payload.kind,
    payload: JSON.stringify(payload),
    linkId,
    orderingKey: recoveryOrderingKey(conversationRowId),
  };
}
