import type { Translate } from '../i18n/create-translator';
import type { CopyModel } from '../models/create-copy-model';

export interface CopyButtonProps {
  readonly t: Translate;
  readonly copy: CopyModel;
  readonly value: string;
  /** The read-only input showing the value; selected when the clipboard is unavailable, ready for Ctrl+C. */
  readonly inputId: string;
  readonly label: string;
}

/** Copies one credential and says whether it worked. */
export function CopyButton({ t, copy, value, inputId, label }: CopyButtonProps) {
  const result = copy.result.value;
  const mine = result?.target === inputId ? result : null;
  return (
    <>
      <button
        type="button"
        class="channel-link-widget__button"
        aria-label={`${t('credentials.copy')}: ${label}`}
        onClick={(event) => {
          const input = event.currentTarget.ownerDocument.getElementById(inputId) as HTMLInputElement | null;
          void copy.copy(inputId, value, () => input?.select());
        }}
      >
        {t('credentials.copy')}
      </button>
      <span role="status" class="channel-link-widget__muted">
        {mine !== null && t(mine.copied ? 'credentials.copied' : 'credentials.copy_failed')}
      </span>
    </>
  );
}
