import { parseAccountHost } from '../amocrm/account-hosts';
import { type InstallDeps, type InstallResult, installAccount } from './install-account';
import { openOAuthCode } from './oauth-code-seal';

export interface InstallJobInput {
  host: string;
  codeEnc: string;
  expectedAccountId?: number | undefined;
  receivedAt?: number | undefined;
}

export type InstallRunner = (job: InstallJobInput) => Promise<InstallResult>;

/** What the relay's `amocrm.install` job calls: the sealed code opened, the stored host read back, then the install. */
export function createInstallRunner(deps: InstallDeps): InstallRunner {
  return (job) => {
    const host = parseAccountHost(job.host);
    // Written only after parseReferer accepted it; anything else is a hand-edited row.
    if (host === null) throw new Error('install job with a host that is no account host');
    return installAccount(deps, {
      host,
      code: openOAuthCode(deps.secretBox, job.codeEnc),
      expectedAccountId: job.expectedAccountId,
      receivedAt: job.receivedAt,
    });
  };
}
