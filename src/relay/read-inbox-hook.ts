import type { Kysely } from 'kysely';
import type { BridgeableWebhook } from '../bridge/hook-to-bridge-event';
import { parseAmojoWebhook } from '../contracts/amojo';
import { findInboxEvent } from '../store/inbox-repo';
import type { Database } from '../store/schema';
import { RelayJobError } from './relay-job-error';

/** The hook a delivery job points at, parsed again from the raw body stored at the door. */
export async function readInboxHook(db: Kysely<Database>, dedupeKey: string): Promise<BridgeableWebhook> {
  const row = await findInboxEvent(db, dedupeKey);
  if (!row) throw new RelayJobError('inbox_row_missing', { retryable: false });
  let json: unknown;
  try {
    json = JSON.parse(row.payload);
  } catch {
    throw new RelayJobError('hook_unreadable', { retryable: false });
  }
  const webhook = parseAmojoWebhook(json);
  if (webhook.kind === 'invalid' || webhook.kind === 'v1')
    throw new RelayJobError('hook_unreadable', { retryable: false });
  return webhook;
}
