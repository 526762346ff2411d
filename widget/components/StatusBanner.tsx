import type { PanelContext } from '../context';
import { failureMessageKey } from '../models/panel-failure';

export interface StatusBannerProps {
  readonly ctx: PanelContext;
}

/** The link state as the backend reports it, with the next step for each state and a retry when it is unknown. */
export function StatusBanner({ ctx }: StatusBannerProps) {
  const { t, links, idPrefix } = ctx;
  // the link's view knows neither consent nor install, so the badge follows the box at once; a link known to be live
  // stays "Linked" when the box is unticked: messages still flow, and only the widget stops calling the backend
  const known = links.view.value;
  const view = !ctx.consent.given.value ? (known === 'linked' ? known : 'idle') : ctx.canLink ? known : 'not_installed';
  const first = links.list.value?.links[0];
  const loadFailure = links.failure.value?.action === 'load' ? links.failure.value.failure : null;
  const headingId = `${idPrefix}-status`;

  let hint: string | null = null;
  // idle needs no hint here: the consent box right above says that nothing is sent until it is ticked
  if (view === 'not_installed') hint = t('status.install_first');
  else if (view === 'unlinked') hint = t('status.unlinked_hint');
  // in amoCRM's language, not the browser's: toLocaleString(lang) is Intl.DateTimeFormat(lang) with date and time
  else if (view === 'linked' && first !== undefined)
    hint = t('status.linked_hint', { date: new Date(first.created_at).toLocaleString(ctx.lang) });
  else if (view === 'paused') hint = t('status.paused_hint');
  return (
    <section class="channel-link-widget__section" aria-labelledby={headingId} aria-busy={view === 'loading'}>
      <h3 class="channel-link-widget__heading" id={headingId}>
        {t('status.heading')}
      </h3>
      <p aria-live="polite">
        <span class={`channel-link-widget__badge channel-link-widget__badge--${view}`}>{t(`status.${view}`)}</span>
      </p>
      {hint !== null && <p class="channel-link-widget__muted">{hint}</p>}
      {loadFailure !== null && (
        <div class="channel-link-widget__alert" role="alert">
          <p>{t(failureMessageKey(loadFailure))}</p>
          <p class="channel-link-widget__muted">{t('errors.support', { email: ctx.supportEmail })}</p>
          <div class="channel-link-widget__actions">
            <button type="button" class="channel-link-widget__button" onClick={() => void ctx.retry()}>
              {t('status.retry')}
            </button>
          </div>
        </div>
      )}
    </section>
  );
}
