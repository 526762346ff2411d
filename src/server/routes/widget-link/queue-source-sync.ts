import { sourceSyncJob } from '../../../jobs/amocrm-jobs';
import { enqueue } from '../../../store/outbox-repo';
import type { WidgetLinkContext } from './create-widget-link-context';

/**
 * Queues a sync of the link's amoCRM source right after the change is stored. The job reads the link when it runs, so
 * it creates, renames, moves or (for an unlinked link) deletes the source as the link then is; amoCRM being away
 * never fails the admin's request, and the panel shows the source as pending until the job has run.
 */
export async function queueSourceSync(ctx: WidgetLinkContext, linkId: string): Promise<void> {
  const now = ctx.now().getTime();
  await enqueue(ctx.db, sourceSyncJob(linkId, now), now);
  ctx.onQueued();
}
