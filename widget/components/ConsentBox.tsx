import type { Translate } from '../i18n/create-translator';
import type { ConsentModel } from '../models/create-consent-model';

export interface ConsentBoxProps {
  readonly t: Translate;
  readonly consent: ConsentModel;
  readonly idPrefix: string;
}

/** The consent checkbox of the documented required-custom-field pattern; until it is ticked nothing leaves the page. */
export function ConsentBox({ t, consent, idPrefix }: ConsentBoxProps) {
  const inputId = `${idPrefix}-consent`;
  const hintId = `${idPrefix}-consent-hint`;
  return (
    <section class="channel-link-widget__section">
      <div class="channel-link-widget__check">
        <input
          id={inputId}
          type="checkbox"
          checked={consent.given.value}
          aria-describedby={hintId}
          onChange={(event) => consent.set(event.currentTarget.checked)}
        />
        <label for={inputId}>{t('consent.label')}</label>
      </div>
      <p class="channel-link-widget__muted" id={hintId}>
        {t('consent.hint')}
      </p>
      {consent.warning.value && !consent.given.value && (
        <p class="channel-link-widget__alert" role="alert">
          {t('consent.required')}
        </p>
      )}
    </section>
  );
}
