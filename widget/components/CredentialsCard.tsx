import type { LinkCredentials } from '../api/link-views';
import type { Translate } from '../i18n/create-translator';
import type { CopyModel } from '../models/create-copy-model';

export interface CredentialsCardProps {
  readonly t: Translate;
  readonly credentials: LinkCredentials;
  /** The number they belong to. */
  readonly title: string;
  readonly idPrefix: string;
  readonly copy: CopyModel;
  readonly onDismiss: () => void;
}

/**
 * The API key and signing secret, shown once after a link or rotation and never stored by the widget. One button
 * copies both, a line each, so the messenger takes them in one paste; the inputs stay selectable for copying by hand.
 */
export function CredentialsCard({ t, credentials, title, idPrefix, copy, onDismiss }: CredentialsCardProps) {
  const headingId = `${idPrefix}-credentials`;
  const copied = copy.copied.value;
  const rows = [
    { id: `${idPrefix}-api-key`, label: t('credentials.api_key'), value: credentials.api_key },
    { id: `${idPrefix}-signing-secret`, label: t('credentials.signing_secret'), value: credentials.signing_secret },
  ];
  return (
    <section class="channel-link-widget__section" aria-labelledby={headingId}>
      <h3 class="channel-link-widget__heading" id={headingId}>
        {t('credentials.heading')}
      </h3>
      <p class="channel-link-widget__muted">{t('status.channel_title', { title })}</p>
      <p class="channel-link-widget__notice channel-link-widget__notice--warning" role="alert">
        {t('credentials.once')}
      </p>
      {rows.map((row) => (
        <div class="channel-link-widget__field" key={row.id}>
          <label class="channel-link-widget__label" for={row.id}>
            {row.label}
          </label>
          <input
            id={row.id}
            class="channel-link-widget__input"
            type="text"
            readOnly
            value={row.value}
            autoComplete="off"
            spellcheck={false}
          />
        </div>
      ))}
      <div class="channel-link-widget__actions">
        <button
          type="button"
          class="channel-link-widget__button channel-link-widget__button--primary"
          onClick={() => void copy.copy(`${credentials.api_key}\n${credentials.signing_secret}`)}
        >
          {t('credentials.copy_both')}
        </button>
        <button type="button" class="channel-link-widget__button" onClick={onDismiss}>
          {t('credentials.dismiss')}
        </button>
        <span role="status" class="channel-link-widget__muted">
          {copied !== null && t(copied ? 'credentials.copied' : 'credentials.copy_failed')}
        </span>
      </div>
    </section>
  );
}
