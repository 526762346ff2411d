import type { Translate } from '../i18n/create-translator';
import type { AccessNeeded } from '../models/create-links-model';

export interface AccessNoticeProps {
  readonly t: Translate;
  readonly access: AccessNeeded;
  /** The browser refused the last popup. */
  readonly blocked: boolean;
  readonly onGrant: (url: string) => void;
}

/**
 * Why the channel cannot work without access to the account, and the button that asks amoCRM for it. Shown to every
 * viewer: amoCRM's own page refuses a user who may not grant it.
 */
export function AccessNotice({ t, access, blocked, onGrant }: AccessNoticeProps) {
  const { grantUrl } = access;
  return (
    <div class="channel-link-widget__alert">
      <p>{t(`access.${access.state}`)}</p>
      {grantUrl !== undefined && (
        <div class="channel-link-widget__actions">
          <button
            type="button"
            class="channel-link-widget__button channel-link-widget__button--primary"
            onClick={() => onGrant(grantUrl)}
          >
            {t('access.grant')}
          </button>
        </div>
      )}
      {blocked && <p role="alert">{t('access.popup_blocked')}</p>}
    </div>
  );
}
