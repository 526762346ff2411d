import type { PanelContext } from '../context';
import { panelCss } from '../styles/panel-css';
import { AccountInfo } from './AccountInfo';
import { ActionFeedback } from './ActionFeedback';
import { ConsentBox } from './ConsentBox';
import { CredentialsCard } from './CredentialsCard';
import { LinkActions } from './LinkActions';
import { LinkForm } from './LinkForm';
import { StatusBanner } from './StatusBanner';

export interface SettingsPanelProps {
  readonly ctx: PanelContext;
}

/** The whole settings panel: which parts show depends only on consent, install state and the link's view. */
export function SettingsPanel({ ctx }: SettingsPanelProps) {
  const { t, idPrefix, link, consent } = ctx;
  const view = link.view.value;
  const known = view === 'unlinked' || view === 'linking' || view === 'linked';
  const credentials = link.credentials.value;
  const titleId = `${idPrefix}-title-heading`;

  return (
    <section aria-labelledby={titleId}>
      <style>{panelCss}</style>
      <h2 class="channel-link-widget__heading" id={titleId}>
        {t('panel.title')}
      </h2>
      <p class="channel-link-widget__muted">{t('panel.intro')}</p>
      <AccountInfo t={t} account={ctx.account} headingId={`${idPrefix}-account`} />
      <ConsentBox t={t} consent={consent} idPrefix={idPrefix} />
      <StatusBanner ctx={ctx} />
      {consent.given.value && ctx.canLink && known && (
        <>
          {credentials !== null && (
            <CredentialsCard
              t={t}
              credentials={credentials}
              idPrefix={idPrefix}
              copy={ctx.copy}
              onDismiss={ctx.dismissCredentials}
            />
          )}
          <LinkForm ctx={ctx} />
          {view === 'linked' && <LinkActions ctx={ctx} />}
          <ActionFeedback ctx={ctx} />
        </>
      )}
    </section>
  );
}
