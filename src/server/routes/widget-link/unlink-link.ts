import { sourceSyncJob } from '../../../jobs/amocrm-jobs';
import { connectLinkJob } from '../../../jobs/link-connection-jobs';
import { errorCodeOf } from '../../../observability/error-code-of';
import { type ScopeConnection, scopeConnectionOf } from '../../../relay/scope-connection-of';
import { countLiveLinks, type Link, listAccountLinks, unlinkLinkById } from '../../../store/links-repo';
import { enqueue } from '../../../store/outbox-repo';
import type { OneTimeTokenIdentity } from '../../auth/verify-one-time-token';
import { connectAccount } from './connect-account';
import type { WidgetLinkContext } from './create-widget-link-context';
import { disconnectScope } from './disconnect-scope';
import { isLiveLink } from './is-live-link';
import { queueSourceSync } from './queue-source-sync';

/**
 * Unlinks one number and queues the deletion of its amoCRM source in the same transaction (a crash in between would
 * leave the source at amoCRM, holding one of the account's 100). The account's links share one amojo scope, so it is
 * disconnected only with the last live link, and first: if amojo cannot be reached, the link stays as it was (503)
 * and nothing half-done is left. An unlinked link whose source is still at amoCRM gets another sync, so repeating a
 * DELETE also repeats the source's removal. Afterwards the scope is made to fit the links that are left (see
 * fitScope).
 */
export async function unlinkLink(ctx: WidgetLinkContext, identity: OneTimeTokenIdentity, link: Link): Promise<void> {
  if (!isLiveLink(link)) {
    if (link.sourceId !== null) await queueSourceSync(ctx, link.id);
    return;
  }
  const live = await listAccountLinks(ctx.db, identity.accountId, { liveOnly: true });
  const last = live.every((other) => other.id === link.id);
  if (last) await disconnectScope(ctx, identity, link.amojoId);
  const now = ctx.now().getTime();
  const unlinked = await unlinkLinkById(ctx.db, link.id, now, { jobs: (gone) => [sourceSyncJob(gone.id, now)] });
  // Another request unlinked it first; that one queued the source's removal and fits the scope.
  if (unlinked === undefined) return;
  ctx.onQueued();
  ctx.logger.info({ accountId: identity.accountId, linkId: link.id }, 'link unlinked');
  let disconnected = last;
  // Two unlinks of an account's last two links, side by side, each saw the other live: the scope outlived both.
  if (!last && (await countLiveLinks(ctx.db, identity.accountId)) === 0) {
    await disconnectScope(ctx, identity, link.amojoId).catch(() => {
      // Logged inside; the links are gone either way, and amojo's hooks for a scope without links are refused.
    });
    disconnected = true;
  }
  await fitScope(ctx, identity, link.amojoId, disconnected ? undefined : scopeConnectionOf(link.amojoId, live));
}

/**
 * Connects the scope again when the links left need it: after a disconnect, a number a POST added meanwhile (its
 * connect may have run before the disconnect) would otherwise be left without a scope at amojo; without one, the
 * scope's title and time-window flag may have been the unlinked number's (it was the primary, or the only one
 * turning the window off). Best effort: the unlink stands, and a failed connect is logged and queued for the relay.
 */
async function fitScope(
  ctx: WidgetLinkContext,
  identity: OneTimeTokenIdentity,
  amojoId: string,
  before: ScopeConnection | undefined,
): Promise<void> {
  const left = await listAccountLinks(ctx.db, identity.accountId, { liveOnly: true });
  const primary = left[0];
  if (primary === undefined) return;
  const after = scopeConnectionOf(amojoId, left);
  if (before?.title === after.title && before.time_window_disabled === after.time_window_disabled) return;
  try {
    await connectAccount(ctx, identity, after);
  } catch (error) {
    // Logged inside as well; the relay's connect reads the links as they then are (handle-link-connection.ts).
    ctx.logger.warn(
      { accountId: identity.accountId, linkId: primary.id, code: errorCodeOf(error) },
      'scope reconnect after unlink failed; queued',
    );
    const now = ctx.now().getTime();
    await enqueue(ctx.db, connectLinkJob(primary.id, now), now);
    ctx.onQueued();
  }
}
