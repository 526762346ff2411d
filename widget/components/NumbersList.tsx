import type { PanelContext } from '../context';
import { NumberItem } from './NumberItem';

export interface NumbersListProps {
  readonly ctx: PanelContext;
  readonly editable: boolean;
}

/** The account's numbers, how many of the platform's limit they use, and the way to add one. */
export function NumbersList({ ctx, editable }: NumbersListProps) {
  const { t, links, form, idPrefix } = ctx;
  const all = links.list.value?.links ?? [];
  const limit = links.list.value?.limit ?? 0;
  const headingId = `${idPrefix}-numbers`;
  const missing = ctx.focused.value === 'missing';
  if (all.length === 0 && !missing) return null;

  return (
    <section class="channel-link-widget__section" aria-labelledby={headingId}>
      <h3 class="channel-link-widget__heading" id={headingId}>
        {t('numbers.heading')}
      </h3>
      <p class="channel-link-widget__muted">{t('numbers.count', { count: all.length, limit })}</p>
      {missing && (
        <p class="channel-link-widget__alert" role="alert">
          {t('numbers.not_found')}
        </p>
      )}
      <ul class="channel-link-widget__numbers">
        {all.map((link) => (
          <NumberItem key={link.id} ctx={ctx} link={link} editable={editable} />
        ))}
      </ul>
      {editable &&
        (links.atLimit.value ? (
          <p class="channel-link-widget__notice">{t('numbers.limit', { limit })}</p>
        ) : (
          form.target.value !== 'new' && (
            <div class="channel-link-widget__actions">
              <button
                id={`${idPrefix}-add`}
                type="button"
                class="channel-link-widget__button channel-link-widget__button--primary"
                disabled={links.busy.value !== null}
                onClick={() => {
                  ctx.addNumber(null);
                  document.getElementById(`${idPrefix}-title`)?.focus();
                }}
              >
                {t('numbers.add')}
              </button>
            </div>
          )
        ))}
    </section>
  );
}
