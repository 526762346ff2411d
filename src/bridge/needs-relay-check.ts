import type { NewMessageRequest } from '../contracts/amojo';

/**
 * Whether amojo's contract (relayJob, checked in toOutboxJob) could refuse the new_message made of a client message.
 * Each of its fields comes from a request the bridge contract already admitted, under rules at least as strict
 * (non-blank texts, http(s) links, the same content shapes), with two exceptions: a time before 1970, which amojo's
 * unsigned timestamps refuse, and a quoted or forwarded message read back from the store rather than from the request.
 * Only a message with one of those pays for the check; test/bridge/needs-relay-check.test.ts generates requests to
 * hold every other one to the contract.
 */
export function needsRelayCheck({ payload }: NewMessageRequest): boolean {
  if (payload.reply_to !== undefined) return true;
  if (!(payload.msec_timestamp >= 0)) return true;
  // An inline forward carries its own time; a forward by reference (no time) names a stored message.
  return payload.forwards?.messages.some((m) => !(m.msec_timestamp !== undefined && m.msec_timestamp >= 0)) ?? false;
}
