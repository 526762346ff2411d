import type { OneTimeTokenIdentity } from '../../auth/verify-one-time-token';
import { amocrmFailureOf } from './amocrm-failure-of';
import type { WidgetLinkContext } from './create-widget-link-context';
import { linkErrors } from './link-errors';

/**
 * 422 pipeline_not_found unless `pipelineId` is null (amoCRM's main pipeline) or an active pipeline of the account.
 * The cached list answers first; an id it lacks is asked of amoCRM afresh, since the admin may have just made it.
 */
export async function requirePipeline(
  ctx: WidgetLinkContext,
  identity: OneTimeTokenIdentity,
  pipelineId: number | null,
): Promise<void> {
  if (pipelineId === null) return;
  const has = async (fresh: boolean) =>
    (await ctx.pipelines.list(identity.accountId, { fresh })).some((pipeline) => pipeline.id === pipelineId);
  try {
    if ((await has(false)) || (await has(true))) return;
  } catch (error) {
    throw amocrmFailureOf(ctx, identity, error);
  }
  throw linkErrors.pipelineNotFound();
}
