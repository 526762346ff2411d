import type { BridgeHistoryImportStatus } from '../contracts/bridge';
import { AppError } from '../http/app-error';
import { bridgeJobKeys } from '../jobs/bridge-job-keys';
import { findJobsByKeyPrefix } from '../store/outbox-repo';
import type { BridgeLink } from './authenticate-bridge';
import type { BridgeDeps } from './bridge-deps';

interface StoredPayload {
  request?: { payload?: { conversation_id?: string; msec_timestamp?: number; silent?: boolean } };
}

function readPayload(payload: string): StoredPayload {
  try {
    return JSON.parse(payload) as StoredPayload;
  } catch {
    return {};
  }
}

/**
 * GET /bridge/v1/history-imports/{import_id}: how far an import got, read back from its jobs (their idempotency
 * keys share a prefix), so no separate bookkeeping can drift from what is really queued. Done jobs are pruned
 * after a retention period; the answer then counts only the rest.
 */
export async function historyImportStatus(
  deps: BridgeDeps,
  link: BridgeLink,
  importId: string,
): Promise<BridgeHistoryImportStatus> {
  const prefix = bridgeJobKeys.historyPrefix(link.id, importId);
  const rows = await findJobsByKeyPrefix(deps.db, link.id, prefix);
  if (rows.length === 0) throw new AppError('not_found', 'No history import with this id on this link.');
  const count = (status: string) => rows.filter((r) => r.status === status).length;
  const newest = rows[rows.length - 1];
  const newestPayload = newest === undefined ? {} : readPayload(newest.payload);
  const at = newestPayload.request?.payload?.msec_timestamp;
  const finalReceived = rows.some((r) => readPayload(r.payload).request?.payload?.silent === false);
  const pending = count('pending') + count('leased');
  return {
    import_id: importId,
    conversation_id: newestPayload.request?.payload?.conversation_id ?? '',
    received: rows.length,
    sent: count('done'),
    pending,
    failed: count('dead'),
    last_message_id: newest === undefined ? null : newest.idempotencyKey.slice(prefix.length),
    last_sent_at: typeof at === 'number' ? new Date(at).toISOString() : null,
    final_received: finalReceived,
    completed: finalReceived && pending === 0,
  };
}
