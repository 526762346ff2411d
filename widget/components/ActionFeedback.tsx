import type { LinkTestResponse } from '../api/link-views';
import type { PanelContext } from '../context';
import type { Translate } from '../i18n/create-translator';
import { failureMessageKey } from '../models/panel-failure';

export interface ActionFeedbackProps {
  readonly ctx: PanelContext;
}

function testMessage(t: Translate, result: LinkTestResponse): string {
  return t(`test.${result.outcome}`, {
    id: result.event_id,
    status: result.http_status ?? '-',
    ms: result.duration_ms,
  });
}

/** What the last action did: its failure and the next step, or a short confirmation. */
export function ActionFeedback({ ctx }: ActionFeedbackProps) {
  const { t, links } = ctx;
  const failure = links.failure.value;
  const success = links.lastSuccess.value?.action;
  const testResult = links.testResult.value?.result ?? null;

  if (failure !== null && failure.action !== 'load') {
    const { kind } = failure.failure;
    const code = kind === 'backend' ? failure.failure.code : null;
    // support cannot help with what the admin fixes here: the form, the consent box, access, an admin's account
    const fixable =
      kind === 'invalid_form' ||
      kind === 'consent_required' ||
      code === 'account_not_installed' ||
      code === 'admin_required';
    return (
      <div class="channel-link-widget__alert" role="alert">
        <p>{t(failureMessageKey(failure.failure))}</p>
        {!fixable && <p class="channel-link-widget__muted">{t('errors.support', { email: ctx.supportEmail })}</p>}
      </div>
    );
  }
  let message: string | null = null;
  if (testResult !== null) message = testMessage(t, testResult);
  // also while the one-time credentials are on screen: the save that issued them, or a later one, is confirmed too
  else if (success === 'create' || success === 'update') message = t('form.saved');
  else if (success === 'unlink') message = t('actions.unlinked');
  const warn = testResult !== null && testResult.outcome !== 'delivered';
  return (
    <div role="status" aria-live="polite">
      {message !== null && (
        <p
          class={
            warn ? 'channel-link-widget__notice channel-link-widget__notice--warning' : 'channel-link-widget__notice'
          }
        >
          {message}
        </p>
      )}
    </div>
  );
}
