import { linkConnectionOrderingKey } from '../../../jobs/ordering-keys';
import { scopeConnectionOf } from '../../../relay/scope-connection-of';
import { hasLiveJob } from '../../../store/has-live-job';
import { type Link, listAccountLinks } from '../../../store/links-repo';
import type { OneTimeTokenIdentity } from '../../auth/verify-one-time-token';
import { connectAccount } from './connect-account';
import type { WidgetLinkContext } from './create-widget-link-context';

/**
 * Connects the account's scope again before a live link's settings change, when amojo would see the change: the
 * scope's title or time-window flag moves (src/relay/scope-connection-of.ts), the links are parked (the Save may be
 * the first word of a reinstall whose own reconnect has not run yet), or the install's reconnect is still queued or
 * died while amojo was down (a Save is how an admin repairs that). Otherwise amojo already holds the scope as it should
 * and only our settings change. Returns the scope id amojo answered, or undefined when it was not asked.
 */
export async function reconnectScope(
  ctx: WidgetLinkContext,
  identity: OneTimeTokenIdentity,
  link: Link,
  change: Pick<Link, 'title' | 'timeWindowDisabled'>,
): Promise<string | undefined> {
  const live = await listAccountLinks(ctx.db, identity.accountId, { liveOnly: true });
  const after = scopeConnectionOf(link.amojoId, live, { id: link.id, ...change });
  const before = live.length > 0 ? scopeConnectionOf(link.amojoId, live) : undefined;
  // The install's reconnect jobs are queued for the primary link (setLinkParked answers with it).
  const primary = live[0] ?? link;
  const needed =
    before?.title !== after.title ||
    before.time_window_disabled !== after.time_window_disabled ||
    link.parkedAt !== null ||
    (await hasLiveJob(ctx.db, linkConnectionOrderingKey(primary.id), { orDead: true }));
  return needed ? connectAccount(ctx, identity, after) : undefined;
}
