import type { PanelContext } from '../context';
import type { ConfirmableAction } from '../models/create-confirm-model';
import { ConfirmPrompt } from './ConfirmPrompt';

export interface LinkActionsProps {
  readonly ctx: PanelContext;
}

function focusById(id: string) {
  document.getElementById(id)?.focus();
}

/** Rotate, test and unlink; the two destructive ones ask first. */
export function LinkActions({ ctx }: LinkActionsProps) {
  const { t, link, confirm, idPrefix } = ctx;
  const busy = link.busy.value;
  const pending = confirm.pending.value;
  const headingId = `${idPrefix}-actions`;
  const triggerId = (action: ConfirmableAction) => `${idPrefix}-${action}`;

  function cancel() {
    const action = confirm.pending.peek();
    confirm.cancel();
    if (action !== null) focusById(triggerId(action));
  }

  return (
    <section class="channel-link-widget__section" aria-labelledby={headingId}>
      <h3 class="channel-link-widget__heading" id={headingId}>
        {t('actions.heading')}
      </h3>
      {link.status.value?.state === 'linked' && (
        <p class="channel-link-widget__muted">
          {t('credentials.active_key', { hint: link.status.value.api_key_hint })}
        </p>
      )}
      <div class="channel-link-widget__actions">
        <button
          id={triggerId('rotate')}
          type="button"
          class="channel-link-widget__button"
          disabled={busy !== null}
          aria-expanded={pending === 'rotate'}
          onClick={() => confirm.ask('rotate')}
        >
          {busy === 'rotate' ? t('actions.rotating') : t('actions.rotate')}
        </button>
        <button
          type="button"
          class="channel-link-widget__button"
          disabled={busy !== null}
          onClick={() => void ctx.test()}
        >
          {busy === 'test' ? t('actions.testing') : t('actions.test')}
        </button>
        <button
          id={triggerId('unlink')}
          type="button"
          class="channel-link-widget__button channel-link-widget__button--danger"
          disabled={busy !== null}
          aria-expanded={pending === 'unlink'}
          onClick={() => confirm.ask('unlink')}
        >
          {busy === 'unlink' ? t('actions.unlinking') : t('actions.unlink')}
        </button>
      </div>
      {pending === 'rotate' && (
        <ConfirmPrompt
          t={t}
          id={`${idPrefix}-confirm-rotate`}
          question="actions.rotate_confirm"
          confirmLabel="actions.rotate_yes"
          onConfirm={() => void ctx.rotate()}
          onCancel={cancel}
        />
      )}
      {pending === 'unlink' && (
        <ConfirmPrompt
          t={t}
          id={`${idPrefix}-confirm-unlink`}
          question="actions.unlink_confirm"
          confirmLabel="actions.unlink_yes"
          onConfirm={() => void ctx.unlink()}
          onCancel={cancel}
        />
      )}
    </section>
  );
}
