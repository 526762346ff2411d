import type { Translate } from '../i18n/create-translator';
import type { FieldError } from '../models/validate-link-form';

export interface TextFieldProps {
  readonly t: Translate;
  readonly id: string;
  readonly label: string;
  readonly hint: string;
  readonly value: string;
  readonly error: FieldError | undefined;
  readonly onInput: (value: string) => void;
  /** `url` brings up the URL keyboard on touch devices without triggering the browser's own validation. */
  readonly inputMode?: 'url';
  readonly placeholder?: string;
  readonly disabled?: boolean;
  /** Enter in the field submits the form; the key is kept from the modal, whose own Enter handling may press Save. */
  readonly onEnter?: () => void;
}

/** A labelled input whose hint and error are announced with it (aria-describedby, aria-invalid). */
export function TextField({
  t,
  id,
  label,
  hint,
  value,
  error,
  onInput,
  inputMode,
  placeholder,
  disabled,
  onEnter,
}: TextFieldProps) {
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  return (
    <div class="channel-link-widget__field">
      <label class="channel-link-widget__label" for={id}>
        {label}
      </label>
      <input
        id={id}
        class="channel-link-widget__input"
        type="text"
        inputMode={inputMode}
        autoComplete="off"
        value={value}
        placeholder={placeholder}
        disabled={disabled}
        aria-invalid={error !== undefined}
        aria-describedby={error === undefined ? hintId : `${errorId} ${hintId}`}
        onInput={(event) => onInput(event.currentTarget.value)}
        onKeyDown={(event) => {
          if (event.key !== 'Enter' || onEnter === undefined) return;
          event.preventDefault();
          event.stopPropagation();
          onEnter();
        }}
      />
      {error !== undefined && (
        <p class="channel-link-widget__error" id={errorId}>
          {t(error.key, error.vars)}
        </p>
      )}
      <p class="channel-link-widget__muted" id={hintId}>
        {hint}
      </p>
    </div>
  );
}
