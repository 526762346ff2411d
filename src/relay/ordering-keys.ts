/**
 * Ordering keys of the jobs the relay itself enqueues; conversationOrderingKey (relay-jobs.ts) orders what goes to
 * amojo for one conversation. Each direction has keys of its own, so the messenger being down never holds back
 * client messages on their way to amojo, nor the other way round.
 */

/** Deliveries to the messenger, one amojo chat at a time, in the order amojo sent the hooks. */
export function deliveryOrderingKey(linkId: string, amojoChatId: string): string {
  return `deliver:${linkId}:${amojoChatId}`;
}

/**
 * Delivery statuses of one amojo message, one at a time: a status is only sent when it moves the stored one
 * forward, and that check is race-free only when no two statuses of a message run at once. Every producer of
 * amojo.delivery_status jobs (the relay, the bridge receipt route) must use this key.
 */
export function statusOrderingKey(linkId: string, amojoMsgId: string): string {
  return `status:${linkId}:${amojoMsgId}`;
}
