import type { Kysely } from 'kysely';
import { z } from 'zod/mini';
import { formatIssues } from '../contracts/amojo';
import { AppError } from '../http/app-error';
import type { NewOutboxJob } from '../jobs/new-outbox-job';
import { type RelayJob, relayJob } from '../jobs/relay-jobs';
import { enqueueMany, findJobByKey } from '../store/outbox-repo';
import { payloadString } from '../store/payload-string';
import type { BridgeAcceptSqlite } from '../store/prepare-bridge-accept-sqlite';
import type { Database } from '../store/schema';

export interface BridgeJob {
  idempotencyKey: string;
  job: RelayJob;
  orderingKey: string | null;
  /** bodyFingerprint of the request that caused the job; stored beside it to tell a retry from a conflict. */
  fingerprint: string;
  /** The producer knows the job meets relayJob (needsRelayCheck said so), and the check is skipped. */
  conforms?: boolean;
}

/**
 * The outbox row for a job. The fingerprint rides in the payload as `bodySha256`, an extra key the relay's
 * (non-strict) relayJob schema ignores. The job is checked against relayJob first (unless its producer knows it
 * conforms), so nothing the relay would refuse later is ever answered 202; a mismatch is a 400 naming the amojo field.
 */
export function toOutboxJob(spec: BridgeJob): NewOutboxJob {
  if (spec.conforms !== true) {
    const checked = z.safeParse(relayJob, spec.job);
    if (!checked.success) {
      throw new AppError('invalid_request', 'The message cannot be passed to amoCRM as it is; see issues.', {
        issues: formatIssues(checked.error, spec.job).map((issue) => ({ ...issue, path: `amojo.${issue.path}` })),
      });
    }
  }
  return {
    idempotencyKey: spec.idempotencyKey,
    kind: spec.job.kind,
    linkId: 'linkId' in spec.job ? spec.job.linkId : null,
    orderingKey: spec.orderingKey,
    payload: JSON.stringify({ ...spec.job, bodySha256: spec.fingerprint }),
  };
}

const conflict = () =>
  new AppError('idempotency_conflict', 'This id was already used with a different body; use a new id for new content.');

/**
 * Whether a job with this key exists: false when new, true when the same request was accepted before.
 * A different body under the same key is a 409.
 */
export async function alreadyAccepted(db: Kysely<Database>, key: string, fingerprint: string): Promise<boolean> {
  const existing = await findJobByKey(db, key);
  if (!existing) return false;
  if (payloadString(existing.payload, 'bodySha256') !== fingerprint) throw conflict();
  return true;
}

/**
 * Enqueues inside the caller's transaction; a concurrent twin that won the race is a duplicate (or a conflict).
 * `sqlite` writes the job on the raw handle of the same transaction (prepareBridgeAcceptSqlite).
 */
export async function enqueueBridgeJob(
  trx: Kysely<Database>,
  spec: BridgeJob,
  now: number,
  sqlite?: BridgeAcceptSqlite,
): Promise<boolean> {
  const job = toOutboxJob(spec);
  // The ingress writer's statement (no returned row to map): only a twin's payload is read back, to compare.
  const created = sqlite ? sqlite.enqueueJob(job, now) : (await enqueueMany(trx, [job], now)).has(spec.idempotencyKey);
  if (created) return true;
  if (!(await alreadyAccepted(trx, spec.idempotencyKey, spec.fingerprint))) {
    throw new Error('outbox job disappeared between insert and read');
  }
  return false;
}
