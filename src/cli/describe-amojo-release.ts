import type { AmojoRelease } from '../store/release-amojo-binding';

/** What `release-amojo` tells the operator, for a release done, a dry run, or a refusal. */
export function describeAmojoRelease(release: AmojoRelease): string {
  if (!release.ok) {
    if (release.reason === 'not_bound') return `release-amojo: no account is bound to amojo id ${release.amojoId}`;
    return (
      `release-amojo: refused: account ${release.accountId} (${release.subdomain}) holds amojo id ${release.amojoId} ` +
      'and its active installation proves it, so the binding is genuine'
    );
  }
  const installation =
    release.installation.state === 'none'
      ? 'no installation'
      : `installation ${release.installation.state}, proving ${release.installation.amojoId}`;
  const lines = [
    `${release.applied ? 'released' : 'dry run: would release'} amojo id ${release.amojoId} from account ` +
      `${release.accountId} (${release.subdomain}; ${installation})`,
  ];
  const verb = release.applied ? '' : 'would be ';
  if (release.link === null) lines.push('  the account has no link');
  else if (release.link.purged)
    lines.push(
      `  link ${release.link.id}${others(release.purgedLinks - 1)} ${verb}unlinked: scope, credentials and webhook URL purged`,
    );
  else lines.push(`  link ${release.link.id} was already unlinked`);
  lines.push(`  the account's binding ${release.applied ? 'now reads' : 'would read'} ${release.releasedAs}`);
  lines.push(
    release.claimants.length === 0
      ? '  no installation proves this amojo id yet; the account amoCRM reports it for can link it once installed'
      : `  proven by the installation of account ${release.claimants.join(', ')}, which can link it now`,
  );
  return lines.join('\n');
}

function others(count: number): string {
  if (count <= 0) return '';
  return ` and ${count} other link${count === 1 ? '' : 's'} of the account`;
}
