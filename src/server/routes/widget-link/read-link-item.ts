import type { LinkItem } from '../../../contracts/link';
import { findDeliveryBreaker } from '../../../store/delivery-breaker-repo';
import type { WidgetLinkContext } from './create-widget-link-context';
import type { LiveLink } from './is-live-link';
import { linkItemOf } from './link-item-of';

/** linkItemOf with the link's delivery breaker read from the store. Whoever passed requireLinkAdmin is an admin. */
export async function readLinkItem(
  ctx: Pick<WidgetLinkContext, 'db' | 'secretBox'>,
  link: LiveLink,
  viewer: { is_admin: boolean } = { is_admin: true },
): Promise<LinkItem> {
  return linkItemOf(ctx.secretBox, link, viewer, await findDeliveryBreaker(ctx.db, link.id));
}
