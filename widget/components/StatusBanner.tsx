import type { PanelContext } from '../context';
import { failureMessageKey } from '../models/panel-failure';

export interface StatusBannerProps {
  readonly ctx: PanelContext;
}

/** The link state as the backend reports it, with the next step for each state and a retry when it is unknown. */
export function StatusBanner({ ctx }: StatusBannerProps) {
  const { t, link, idPrefix } = ctx;
  // the link's view knows neither consent nor install, so the badge follows the box at once; a link known to be live
  // stays "Linked" when the box is unticked: messages still flow, and only the widget stops calling the backend
  const known = link.view.value;
  const view = !ctx.consent.given.value ? (known === 'linked' ? known : 'idle') : ctx.canLink ? known : 'not_installed';
  const status = link.status.value;
  const loadFailure = link.failure.value?.action === 'load' ? link.failure.value.failure : null;
  const headingId = `${idPrefix}-status`;

  let hint: string | null = null;
  // idle needs no hint here: the consent box right above says that nothing is sent until it is ticked
  if (view === 'not_installed') hint = t('status.install_first');
  else if (view === 'unlinked') hint = t('status.unlinked_hint');
  // in amoCRM's language, not the browser's: toLocaleString(lang) is Intl.DateTimeFormat(lang) with date and time
  else if (view === 'linked' && status?.state === 'linked')
    hint = t('status.linked_hint', { date: new Date(status.created_at).toLocaleString(ctx.lang) });
  else if (view === 'paused') hint = t('status.paused_hint');
  // a viewer who is not an admin gets no form, so the channel's name is told here
  const title = status?.state === 'linked' && link.readOnly.value ? status.title : null;
  // the messenger refusing our deliveries is not the link's fault and changes no badge: messages queue and are
  // retried, so the admin gets the fact and the time it started, to take to whoever runs the messenger
  const delivery = status?.state === 'linked' ? status.delivery : undefined;
  const since = delivery?.since === undefined ? null : new Date(delivery.since).toLocaleString(ctx.lang);

  return (
    <section class="channel-link-widget__section" aria-labelledby={headingId} aria-busy={view === 'loading'}>
      <h3 class="channel-link-widget__heading" id={headingId}>
        {t('status.heading')}
      </h3>
      <p aria-live="polite">
        <span class={`channel-link-widget__badge channel-link-widget__badge--${view}`}>{t(`status.${view}`)}</span>
      </p>
      {hint !== null && <p class="channel-link-widget__muted">{hint}</p>}
      {title !== null && <p class="channel-link-widget__muted">{t('status.channel_title', { title })}</p>}
      {delivery?.state === 'failing' && (
        <p class="channel-link-widget__notice channel-link-widget__notice--warning">
          {since === null ? t('status.delivery_failing') : t('status.delivery_failing_since', { date: since })}
        </p>
      )}
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
