/**
 * The ordering keys of outbox jobs: jobs that share a key run one at a time, oldest first. Each direction has keys of
 * its own, so the messenger being down never holds back client messages on their way to amojo, nor the other way
 * round.
 */

/** What goes to amojo for one conversation: messages, edits, typing and reactions, in the order they were accepted. */
export function conversationOrderingKey(linkId: string, conversationId: string): string {
  return `conv:${linkId}:${conversationId}`;
}

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

/**
 * The installs of one account host (`acme.amocrm.ru`), one at a time: the redirect URI queues them, and the link
 * API looks for one in flight before it tells the widget the account is not installed.
 */
export function installOrderingKey(accountHost: string): string {
  return `amocrm-install:${accountHost}`;
}

/** The connects and disconnects of one link's scope after installs and removals, in the order they happened. */
export function linkConnectionOrderingKey(linkId: string): string {
  return `link-connection:${linkId}`;
}

/** The syncs of one link's amoCRM source, in the order the link changed. */
export function sourceOrderingKey(linkId: string): string {
  return `source:${linkId}`;
}

/** The contact binding of one conversation (one at most ever succeeds). */
export function contactOrderingKey(conversationRowId: string): string {
  return `contact:${conversationRowId}`;
}

/**
 * The history recoveries of one conversation, one at a time: two sweeps reading the same chat at once would both
 * find its missed messages. Apart from the chat's deliveries, so amojo answering 429 never holds live hooks back.
 */
export function recoveryOrderingKey(conversationRowId: string): string {
  return `recover:${conversationRowId}`;
}
