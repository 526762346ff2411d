import type { Translate } from '../i18n/create-translator';
import type { MessageKey } from '../i18n/message-keys';

export interface ConfirmPromptProps {
  readonly t: Translate;
  readonly id: string;
  readonly question: MessageKey;
  readonly confirmLabel: MessageKey;
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
}

/** Module-level, so Preact calls it once when the button mounts rather than on every render. */
function focusOnMount(button: HTMLButtonElement | null) {
  button?.focus();
}

/** An inline confirmation: takes focus when it opens, Escape cancels, and the question is its accessible name. */
export function ConfirmPrompt({ t, id, question, confirmLabel, onConfirm, onCancel }: ConfirmPromptProps) {
  return (
    <div
      class="channel-link-widget__confirm"
      role="alertdialog"
      aria-labelledby={`${id}-question`}
      onKeyDown={(event) => {
        if (event.key !== 'Escape') return;
        // Escape must cancel this prompt, not close the whole settings modal
        event.stopPropagation();
        onCancel();
      }}
    >
      <p id={`${id}-question`}>{t(question)}</p>
      <div class="channel-link-widget__actions">
        <button
          ref={focusOnMount}
          type="button"
          class="channel-link-widget__button channel-link-widget__button--danger"
          onClick={onConfirm}
        >
          {t(confirmLabel)}
        </button>
        <button type="button" class="channel-link-widget__button" onClick={onCancel}>
          {t('actions.cancel')}
        </button>
      </div>
    </div>
  );
}
