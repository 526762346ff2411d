import { InstallRefused } from '../installation/install-refused';
import type { RelayJob } from '../jobs/relay-jobs';
import type { JobResult } from './job-handler';
import type { RelayDeps } from './relay-deps';
import { RelayJobError } from './relay-job-error';

/**
 * Runs an install the redirect URI queued. A refusal after amoCRM answered is final (`install_not_admin`,
 * `install_account_mismatch`, `install_superseded`), as is a refused code (`amocrm_grant_refused`: expired or used); amoCRM being
 * unreachable is retried within the code's 20 minutes by the usual backoff.
 */
export async function handleAmocrmInstall(
  deps: RelayDeps,
  job: Extract<RelayJob, { kind: 'amocrm.install' }>,
): Promise<JobResult> {
  if (!deps.install) throw new RelayJobError('install_unavailable', { retryable: false });
  try {
    const result = await deps.install(job);
    return { outcome: result.reconnectedLinkId ? 'installed_reconnecting' : 'installed' };
  } catch (error) {
    if (error instanceof InstallRefused) throw new RelayJobError(`install_${error.reason}`, { retryable: false });
    throw error;
  }
}
