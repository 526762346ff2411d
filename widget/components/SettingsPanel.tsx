import type { PanelContext } from '../context';
import { AccessNotice } from './AccessNotice';
import { AccountInfo } from './AccountInfo';
import { ActionFeedback } from './ActionFeedback';
import { ConsentBox } from './ConsentBox';
import { CredentialsCard } from './CredentialsCard';
import { LinkForm } from './LinkForm';
import { NumbersList } from './NumbersList';
import { StatusBanner } from './StatusBanner';

export interface SettingsPanelProps {
  readonly ctx: PanelContext;
}

/**
 * The whole settings panel: which parts show depends only on consent, install state, the numbers' view, access to
 * the account and whether the viewer is an admin. Without access, or for a viewer who is not an admin, the panel
 * shows the numbers read-only and no form or action, since the backend would refuse them.
 */
export function SettingsPanel({ ctx }: SettingsPanelProps) {
  const { t, idPrefix, links, consent } = ctx;
  const view = links.view.value;
  const known = view === 'unlinked' || view === 'linking' || view === 'linked' || view === 'paused';
  const issued = links.credentials.value;
  const access = links.access.value;
  const readOnly = links.readOnly.value;
  const editable = !readOnly && access === null;
  const ready = consent.given.value && ctx.canLink;
  const titleId = `${idPrefix}-title-heading`;

  return (
    <section aria-labelledby={titleId}>
      <h2 class="channel-link-widget__heading" id={titleId}>
        {t('panel.title')}
      </h2>
      <p class="channel-link-widget__muted">{t('panel.intro')}</p>
      <AccountInfo t={t} account={ctx.account} headingId={`${idPrefix}-account`} />
      <ConsentBox t={t} consent={consent} idPrefix={idPrefix} />
      <StatusBanner ctx={ctx} />
      {ready && access !== null && (
        <AccessNotice t={t} access={access} blocked={ctx.grant.blocked.value} onGrant={ctx.grant.open} />
      )}
      {ready && known && (
        <>
          {readOnly && <p class="channel-link-widget__notice">{t('access.admin_only')}</p>}
          {issued !== null && (
            <CredentialsCard
              t={t}
              credentials={issued.credentials}
              title={issued.title}
              idPrefix={idPrefix}
              copy={ctx.copy}
              onDismiss={ctx.dismissCredentials}
            />
          )}
          <NumbersList ctx={ctx} editable={editable} />
          {editable && <LinkForm ctx={ctx} />}
          <ActionFeedback ctx={ctx} />
        </>
      )}
    </section>
  );
}
