import type { PanelContext } from '../context';
import { TextField } from './TextField';

export interface LinkFormProps {
  readonly ctx: PanelContext;
}

/** Channel name, messenger webhook URL and the time-window option; submits a link or an update. */
export function LinkForm({ ctx }: LinkFormProps) {
  const { t, form, link, idPrefix } = ctx;
  const linked = link.status.value?.state === 'linked';
  const busy = link.busy.value !== null;
  const submitting = link.busy.value === 'link';
  const errors = form.errors.value;
  const headingId = `${idPrefix}-form`;
  const timeWindowId = `${idPrefix}-time-window`;
  const submit = () => void ctx.submit();

  return (
    <section class="channel-link-widget__section" aria-labelledby={headingId}>
      <h3 class="channel-link-widget__heading" id={headingId}>
        {t('form.heading')}
      </h3>
      {/* no <form>: the settings modal may itself be one, and its handlers must not see our submits */}
      <div>
        <TextField
          t={t}
          id={`${idPrefix}-title`}
          label={t('form.title_label')}
          hint={t('form.title_hint')}
          value={form.title.value}
          error={errors.title}
          disabled={submitting}
          onInput={form.setTitle}
          onEnter={submit}
        />
        <TextField
          t={t}
          id={`${idPrefix}-webhook`}
          inputMode="url"
          label={t('form.webhook_label')}
          hint={t('form.webhook_hint')}
          placeholder={t('form.webhook_placeholder')}
          value={form.webhookUrl.value}
          error={errors.webhook_url}
          disabled={submitting}
          onInput={form.setWebhookUrl}
          onEnter={submit}
        />
        <div class="channel-link-widget__field">
          <div class="channel-link-widget__check">
            <input
              id={timeWindowId}
              type="checkbox"
              checked={form.timeWindowDisabled.value}
              disabled={submitting}
              aria-describedby={`${timeWindowId}-hint`}
              onChange={(event) => form.setTimeWindowDisabled(event.currentTarget.checked)}
            />
            <label for={timeWindowId}>{t('form.time_window_label')}</label>
          </div>
          <p class="channel-link-widget__muted" id={`${timeWindowId}-hint`}>
            {t('form.time_window_hint')}
          </p>
        </div>
        <div class="channel-link-widget__actions">
          <button
            type="button"
            class="channel-link-widget__button channel-link-widget__button--primary"
            disabled={busy || (linked && !form.dirty.value)}
            onClick={submit}
          >
            {submitting ? t('form.submitting') : t(linked ? 'form.submit_update' : 'form.submit_link')}
          </button>
        </div>
      </div>
    </section>
  );
}
