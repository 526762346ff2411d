import type { LinkItem, PipelineOption } from '../api/link-views';
import type { PanelContext } from '../context';
import type { Translate } from '../i18n/create-translator';
import type { ConfirmableAction } from '../models/create-confirm-model';
import { ConfirmPrompt } from './ConfirmPrompt';

export interface NumberItemProps {
  readonly ctx: PanelContext;
  readonly link: LinkItem;
  /** Whether the viewer may change numbers (an admin with access to the account). */
  readonly editable: boolean;
}

function focusById(id: string) {
  document.getElementById(id)?.focus();
}

/** The pipeline's name; amoCRM's main one when none was picked; its id when the names could not be read. */
function pipelineName(t: Translate, pipelines: readonly PipelineOption[] | null, id: number | null): string {
  if (id === null) return t('numbers.main_pipeline');
  return pipelines?.find((p) => p.id === id)?.name ?? `#${id}`;
}

/**
 * One number: its state (connected, its amoCRM source, deliveries) and, for admins, edit, rotate, test and unlink;
 * the two destructive ones ask first. Every button is described by the number's title, so a screen reader tells
 * the numbers' identical buttons apart.
 */
export function NumberItem({ ctx, link, editable }: NumberItemProps) {
  const { t, links, confirm, form, idPrefix } = ctx;
  const busy = links.busy.value;
  const pending = confirm.pending.value;
  const base = `${idPrefix}-n-${link.id}`;
  const titleId = `${base}-title`;
  const triggerId = (action: ConfirmableAction) => `${base}-${action}`;
  const { source, delivery } = link;
  const since = delivery?.since === undefined ? null : new Date(delivery.since).toLocaleString(ctx.lang);
  const asking = pending?.id === link.id ? pending.action : null;
  const disabled = busy !== null;

  function cancel() {
    confirm.cancel();
    if (asking !== null) focusById(triggerId(asking));
  }

  const button = (action: ConfirmableAction | 'edit' | 'test', label: string, onClick: () => void, danger = false) => (
    <button
      id={`${base}-${action}`}
      type="button"
      class={danger ? 'channel-link-widget__button channel-link-widget__button--danger' : 'channel-link-widget__button'}
      disabled={disabled}
      aria-describedby={titleId}
      aria-expanded={action === 'rotate' || action === 'unlink' ? asking === action : undefined}
      onClick={onClick}
    >
      {label}
    </button>
  );
  const running = (action: string) => busy?.action === action && busy.id === link.id;

  return (
    <li
      class="channel-link-widget__number"
      aria-labelledby={titleId}
      aria-current={ctx.focused.value === link.id ? 'true' : undefined}
    >
      <h4 class="channel-link-widget__heading" id={titleId}>
        {link.title}
      </h4>
      <p>
        <span class={`channel-link-widget__badge channel-link-widget__badge--${link.connected ? 'linked' : 'paused'}`}>
          {t(link.connected ? 'numbers.connected' : 'numbers.paused')}
        </span>
      </p>
      <p class="channel-link-widget__muted">
        {t('numbers.pipeline', { name: pipelineName(t, links.pipelines.value, link.pipeline_id) })}
      </p>
      <p
        class={
          source.state === 'failed'
            ? 'channel-link-widget__notice channel-link-widget__notice--warning'
            : 'channel-link-widget__muted'
        }
        // amoCRM's machine code (for support) stays out of the translated sentence
        title={source.error}
      >
        {t(`numbers.source_${source.state}`)}
      </p>
      <p class="channel-link-widget__muted">{t('credentials.active_key', { hint: link.api_key_hint })}</p>
      {delivery?.state === 'failing' && (
        <p class="channel-link-widget__notice channel-link-widget__notice--warning">
          {since === null ? t('status.delivery_failing') : t('status.delivery_failing_since', { date: since })}
        </p>
      )}
      {editable && (
        <div class="channel-link-widget__actions">
          {button('edit', t('numbers.edit'), () => {
            form.open(link);
            focusById(`${idPrefix}-title`);
          })}
          {button('rotate', running('rotate') ? t('actions.rotating') : t('actions.rotate'), () =>
            confirm.ask('rotate', link.id),
          )}
          {button('test', running('test') ? t('actions.testing') : t('actions.test'), () => void ctx.test(link.id))}
          {button(
            'unlink',
            running('unlink') ? t('actions.unlinking') : t('actions.unlink'),
            () => confirm.ask('unlink', link.id),
            true,
          )}
        </div>
      )}
      {asking !== null && (
        <ConfirmPrompt
          t={t}
          id={`${base}-confirm`}
          question={asking === 'rotate' ? 'actions.rotate_confirm' : 'actions.unlink_confirm'}
          confirmLabel={asking === 'rotate' ? 'actions.rotate_yes' : 'actions.unlink_yes'}
          onConfirm={() => void (asking === 'rotate' ? ctx.rotate(link.id) : ctx.unlink(link.id))}
          onCancel={cancel}
        />
      )}
    </li>
  );
}
