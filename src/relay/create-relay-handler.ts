import { z } from 'zod/mini';
import { type RelayJob, relayJob } from '../jobs/relay-jobs';
import { type RecoveryDeps, recoverHistory } from '../recovery/recover-history';
import type { OutboxJob } from '../store/outbox-repo';
import { handleAmocrmInstall } from './handle-amocrm-install';
import { handleAmojoEdit } from './handle-amojo-edit';
import { handleAmojoReact } from './handle-amojo-react';
import { handleAmojoTyping } from './handle-amojo-typing';
import { handleBridgeDeliver } from './handle-bridge-deliver';
import { handleContactBind } from './handle-contact-bind';
import { handleDeliveryStatus } from './handle-delivery-status';
import { handleLinkConnection } from './handle-link-connection';
import { handleNewMessage } from './handle-new-message';
import { handleSourceSync } from './handle-source-sync';
import type { JobHandler, JobResult } from './job-handler';
import type { RelayDeps } from './relay-deps';
import { RelayJobError } from './relay-job-error';

/** A stored payload that does not parse (an older release's job, a hand-edited row) is a dead letter, not a crash. */
function parsePayload(row: OutboxJob): RelayJob {
  let json: unknown;
  try {
    json = JSON.parse(row.payload);
  } catch {
    throw new RelayJobError('invalid_payload', { retryable: false });
  }
  const parsed = z.safeParse(relayJob, json);
  if (!parsed.success || parsed.data.kind !== row.kind)
    throw new RelayJobError('invalid_payload', { retryable: false });
  return parsed.data;
}

/** The runner's handler: parses a job with the relay job contract and runs it by kind. */
export function createRelayHandler(deps: RelayDeps): JobHandler {
  return async (row): Promise<JobResult> => {
    const job = parsePayload(row);
    switch (job.kind) {
      case 'amojo.new_message':
        return handleNewMessage(deps, job);
      case 'amojo.edit_message':
        return handleAmojoEdit(deps, job);
      case 'amojo.typing':
        return handleAmojoTyping(deps, job, row);
      case 'amojo.react':
        return handleAmojoReact(deps, job);
      case 'amojo.delivery_status':
        return handleDeliveryStatus(deps, job);
      case 'bridge.deliver':
        return handleBridgeDeliver(deps, job);
      case 'amocrm.install':
        return handleAmocrmInstall(deps, job);
      case 'amojo.connect_link':
      case 'amojo.disconnect_link':
        return handleLinkConnection(deps, job);
      case 'amocrm.sync_source':
        return handleSourceSync(deps, job);
      case 'amocrm.bind_contact':
        return handleContactBind(deps, job, row);
      case 'amojo.recover_history':
        return recoverHistory(recoveryDepsOf(deps), job);
    }
  };
}

/** The recovery's share of the relay's deps. */
function recoveryDepsOf(deps: RelayDeps): RecoveryDeps {
  return {
    db: deps.db,
    amojo: deps.amojo,
    link: (linkId) => deps.links.get(linkId),
    now: deps.now,
    recovered: deps.metrics?.hooksRecovered,
    logger: deps.logger,
  };
}
