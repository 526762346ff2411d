/**
 * What the redirect URI tells the browser (or the install webhook) about a grant: each one is a sentence on the
 * result page (i18n `grant_page.<outcome>`) and the `code` posted to the widget in post_message mode.
 */
export const grantOutcomes = [
  /** The code was exchanged and the installation recorded. */
  'granted',
  /** The install webhook's code is queued; the answer cannot wait for amoCRM (3 s, never retried). */
  'queued',
  /** Still being exchanged when the page had to answer; the widget's status will show the result. */
  'pending',
  'access_denied',
  'state_invalid',
  'referer_invalid',
  'code_missing',
  /** amoCRM refused the code: older than 20 minutes, or used before. */
  'code_refused',
  /** The user who granted is not an admin of the account. */
  'not_admin',
  /** The popup was opened for one account and access was granted to another. */
  'account_mismatch',
  /** Too many codes for this account or from this address in a minute; nothing was queued. */
  'busy',
  /** The integration was removed after this code was sent: the older install does not undo the removal. */
  'superseded',
  'failed',
] as const;

export type GrantOutcome = (typeof grantOutcomes)[number];

export const grantOutcomeOk = (outcome: GrantOutcome) =>
  outcome === 'granted' || outcome === 'queued' || outcome === 'pending';

/** The job's last error code (install_not_admin, amocrm_grant_refused…) as the outcome the page shows. */
export function outcomeOfInstallError(code: string | null): GrantOutcome {
  if (code === 'install_not_admin') return 'not_admin';
  if (code === 'install_account_mismatch') return 'account_mismatch';
  if (code === 'amocrm_grant_refused') return 'code_refused';
  if (code === 'install_superseded') return 'superseded';
  return 'failed';
}
