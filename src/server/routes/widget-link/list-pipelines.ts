import type { PipelineListResponse } from '../../../contracts/link';
import type { OneTimeTokenIdentity } from '../../auth/verify-one-time-token';
import { amocrmFailureOf } from './amocrm-failure-of';
import type { WidgetLinkContext } from './create-widget-link-context';

/**
 * GET /api/widget/pipelines: the pipelines a number may be routed to, for any user of the account (the panel shows
 * each number's pipeline by name). amoCRM is asked as the installation, so an account without one gets 409 first.
 */
export async function listPipelines(
  ctx: WidgetLinkContext,
  identity: OneTimeTokenIdentity,
): Promise<PipelineListResponse> {
  await ctx.guard.requireActive(identity);
  try {
    return { pipelines: await ctx.pipelines.list(identity.accountId) };
  } catch (error) {
    throw amocrmFailureOf(ctx, identity, error);
  }
}
