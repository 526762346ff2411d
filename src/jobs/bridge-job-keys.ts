/** Idempotency keys of the outbox jobs the bridge enqueues; each is derived from the messenger's own ids. */
export const bridgeJobKeys = {
  message: (linkId: string, messengerId: string) => `bridge:msg:${linkId}:${messengerId}`,
  edit: (linkId: string, messengerId: string, version: string) => `bridge:edit:${linkId}:${version}:${messengerId}`,
  typing: (linkId: string, conversationRowId: string, slot: number) =>
    `bridge:typing:${linkId}:${conversationRowId}:${slot}`,
  reaction: (linkId: string, reactionId: string) => `bridge:react:${linkId}:${reactionId}`,
  receipt: (linkId: string, messageRowId: string, status: string) =>
    `bridge:receipt:${linkId}:${messageRowId}:${status}`,
  /** One per message of a history import; the shared prefix is how its progress is read back. */
  historyPrefix: (linkId: string, importId: string) => `bridge:hist:${linkId}:${importId}:`,
  history: (linkId: string, importId: string, messengerId: string) =>
    `bridge:hist:${linkId}:${importId}:${messengerId}`,
};
