/**
 * The idempotency key of the bridge.deliver job a hook causes: one per hook, so a redelivered hook or a recovered one
 * maps to the job already there, and the pruner finds the job a hook is still needed by (find-hooks-still-needed.ts).
 */
export function bridgeDeliverJobKey(dedupeKey: string): string {
  return `bridge.deliver:${dedupeKey}`;
}
