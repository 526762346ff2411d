import type { LinkItem } from '../../../contracts/link';
import type { DeliveryBreaker } from '../../../store/delivery-breaker-repo';

/**
 * The breaker as the panel shows it: failing while open (or probing), since the streak began; ok with the count
 * while the streak is below the threshold. A row counted against another URL is the old URL's: the link was saved
 * with a new one since, and its breaker starts closed. Left out without a row, so a healthy link reads as it always did.
 */
export function deliveryOf(breaker: DeliveryBreaker | undefined, webhookUrl: string): Pick<LinkItem, 'delivery'> {
  if (!breaker || breaker.webhookUrl !== webhookUrl) return {};
  const { failures } = breaker;
  if (breaker.openUntil === null) return { delivery: { state: 'ok', failures } };
  return { delivery: { state: 'failing', since: new Date(breaker.failingSince).toISOString(), failures } };
}
