import type { CrmAccount } from '../host/crm-host';
import type { Translate } from '../i18n/create-translator';

export interface AccountInfoProps {
  readonly t: Translate;
  readonly account: CrmAccount;
  readonly headingId: string;
}

/** The account facts read locally from the page, shown before anything is sent anywhere. */
export function AccountInfo({ t, account, headingId }: AccountInfoProps) {
  return (
    <section class="channel-link-widget__section" aria-labelledby={headingId}>
      <h3 class="channel-link-widget__heading" id={headingId}>
        {t('account.heading')}
      </h3>
      <dl class="channel-link-widget__facts">
        <dt>{t('account.subdomain')}</dt>
        <dd>{account.subdomain || t('account.unknown')}</dd>
        <dt>{t('account.amojo_id')}</dt>
        <dd>{account.amojoId ?? t('account.unknown')}</dd>
      </dl>
      {account.amojoId === null && (
        <p class="channel-link-widget__alert" role="alert">
          {t('account.amojo_missing')}
        </p>
      )}
    </section>
  );
}
