/**
 * Whether an HTTP refusal may pass on a later attempt: 408 (the peer gave up waiting, so nothing was done), 429
 * (asked to slow down) and every 5xx (the peer's own trouble). Anything else is about the request and will be
 * refused again. One rule for every peer we call (amojo, the messengers, amoCRM's file links), so they cannot drift.
 */
export function isTransientStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
