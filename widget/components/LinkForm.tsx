import type { PanelContext } from '../context';
import { TextField } from './TextField';

export interface LinkFormProps {
  readonly ctx: PanelContext;
}

/**
 * A number's name, messenger webhook URL, pipeline and time-window option: adds a number or saves one. Focus goes to
 * the number's own buttons (or Add) once it closes, so the keyboard stays where the admin was.
 */
export function LinkForm({ ctx }: LinkFormProps) {
  const { t, form, links, idPrefix } = ctx;
  const target = form.target.value;
  if (target === null) return null;
  const isNew = target === 'new';
  const busy = links.busy.value !== null;
  const submitting = links.busy.value?.action === (isNew ? 'create' : 'update');
  const errors = form.errors.value;
  const headingId = `${idPrefix}-form`;
  const timeWindowId = `${idPrefix}-time-window`;
  const pipelineId = `${idPrefix}-pipeline`;
  const pipelines = links.pipelines.value ?? [];
  const selected = form.pipelineId.value;
  const hasOthers = (links.list.value?.links ?? []).length > 0;
  const byId = (id: string) => document.getElementById(`${idPrefix}-${id}`);
  // the number's own Edit, or Add; a new number that was the last one allowed has no Add: its Edit, below the
  // credentials card, rather than focus falling to the body
  const refocus = () =>
    (byId(isNew ? 'add' : `n-${target.id}-edit`) ?? byId(`n-${links.credentials.peek()?.id}-edit`))?.focus();
  const submit = async () => {
    if ((await ctx.submit()).ok) refocus();
  };
  const pipelineError = errors.pipeline_id;

  return (
    <section class="channel-link-widget__section" aria-labelledby={headingId}>
      <h3 class="channel-link-widget__heading" id={headingId}>
        {isNew ? t('form.heading') : t('form.edit_heading', { title: target.title })}
      </h3>
      {/* no <form>: the settings modal may itself be one, and its handlers must not see our submits */}
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
        <label class="channel-link-widget__label" for={pipelineId}>
          {t('form.pipeline_label')}
        </label>
        <select
          id={pipelineId}
          class="channel-link-widget__input"
          value={selected === null ? '' : String(selected)}
          disabled={submitting}
          aria-invalid={pipelineError !== undefined}
          aria-describedby={`${pipelineError ? `${pipelineId}-error ` : ''}${pipelineId}-hint`}
          onChange={(event) => {
            const value = event.currentTarget.value;
            form.setPipelineId(value === '' ? null : Number(value));
          }}
        >
          <option value="">{t('form.pipeline_main')}</option>
          {pipelines.map((p) => (
            <option key={p.id} value={String(p.id)}>
              {p.name}
            </option>
          ))}
          {/* a pipeline the names do not list (not read, or archived since) stays selectable as itself */}
          {selected !== null && !pipelines.some((p) => p.id === selected) && (
            <option value={String(selected)}>{`#${selected}`}</option>
          )}
        </select>
        {pipelineError !== undefined && (
          <p class="channel-link-widget__error" id={`${pipelineId}-error`}>
            {t(pipelineError.key)}
          </p>
        )}
        <p class="channel-link-widget__muted" id={`${pipelineId}-hint`}>
          {t('form.pipeline_hint')}
        </p>
      </div>
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
          disabled={busy || (!isNew && !form.dirty.value)}
          onClick={submit}
        >
          {submitting ? t('form.submitting') : t(isNew ? 'form.submit_link' : 'form.submit_update')}
        </button>
        {hasOthers && (
          <button
            type="button"
            class="channel-link-widget__button"
            onClick={() => {
              form.close();
              refocus();
            }}
          >
            {t('form.cancel')}
          </button>
        )}
      </div>
    </section>
  );
}
