import { z } from 'zod/mini';
import {
  createChatRequest,
  deliveryStatusRequest,
  editMessageRequest,
  newMessageRequest,
  reactRequest,
  typingRequest,
} from '../contracts/amojo';

/**
 * The outbox's job kinds: the contract between producers (bridge routes, hook ingress, workers)
 * and the relay worker. `payload` is stored as JSON and parsed with these schemas before running, so a
 * job written by an older release fails loudly instead of half-running.
 *
 * amojo jobs carry the exact request body; the scope and region are looked up from the link when the
 * job runs, so a relink (new scope) applies to jobs still queued.
 */
export const relayJob = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('amojo.new_message'),
    linkId: z.string(),
    /** Row in `messages` that gets amojo's id once sent. */
    messageRowId: z.string(),
    request: newMessageRequest,
  }),
  z.object({ kind: z.literal('amojo.edit_message'), linkId: z.string(), request: editMessageRequest }),
  z.object({ kind: z.literal('amojo.typing'), linkId: z.string(), request: typingRequest }),
  z.object({ kind: z.literal('amojo.react'), linkId: z.string(), request: reactRequest }),
  z.object({
    kind: z.literal('amojo.delivery_status'),
    linkId: z.string(),
    amojoMsgId: z.string(),
    request: deliveryStatusRequest,
  }),
  /**
   * An OAuth code amoCRM sent to the redirect URI, exchanged by a worker so the redirect answers within amoCRM's 3 s
   * (src/installation/install-account.ts). `host` passed the referer check before the job was written; the code is
   * sealed (OAUTH_CODE_CONTEXT). `expectedAccountId` comes from a verified `state`: the grant must be for that account.
   */
  z.object({
    kind: z.literal('amocrm.install'),
    host: z.string(),
    codeEnc: z.string(),
    expectedAccountId: z.optional(z.number()),
    /** When the redirect arrived: a removal recorded after it wins over this older install. */
    receivedAt: z.optional(z.number()),
  }),
  /** Connect the link's scope at amojo again (an install after a removal); skipped if it is parked or unlinked. */
  z.object({ kind: z.literal('amojo.connect_link'), linkId: z.string() }),
  /** Disconnect the link's scope at amojo (the integration was removed); skipped once an install unparked it. */
  z.object({ kind: z.literal('amojo.disconnect_link'), linkId: z.string() }),
  /**
   * Make the link's amoCRM source match the link as it is when the job runs: created (external_id = link id) or
   * renamed and re-routed while the link is live, deleted once it is unlinked. Idempotent, so any change just queues
   * another one (src/relay/handle-source-sync.ts).
   */
  z.object({ kind: z.literal('amocrm.sync_source'), linkId: z.string() }),
  /**
   * Bind a conversation's amojo chat to the amoCRM contact its hint names (an id, or one contact found by phone or
   * e-mail), at most once per chat (src/relay/handle-contact-bind.ts).
   */
  z.object({
    kind: z.literal('amocrm.bind_contact'),
    linkId: z.string(),
    conversationRowId: z.string(),
    /** How to open the amojo chat when its id is not known yet: the user and source of the message it precedes. */
    chat: z.optional(createChatRequest),
  }),
  /**
   * Read one amojo chat's history for manager messages whose hook never arrived (we were down: amojo does not resend)
   * and store each as the hook it would have been, with its delivery (src/recovery/recover-history.ts).
   */
  z.object({
    kind: z.literal('amojo.recover_history'),
    linkId: z.string(),
    conversationRowId: z.string(),
    /** Messages older than this (ms) are outside the recovery window: reading stops there. */
    since: z.number(),
    /**
     * A manager message we hold that reached us before this (ms) marks where the gap ends, and reading stops at it.
     * One received later (a live hook after a restart) is passed over: a missed message may still lie behind it.
     */
    heldBefore: z.number(),
  }),
  z.object({
    kind: z.literal('bridge.deliver'),
    linkId: z.string(),
    /** The inbox row (hook) this delivery comes from; its parsed hook is the source of truth. */
    dedupeKey: z.string(),
  }),
]);

export type RelayJob = z.infer<typeof relayJob>;
export type RelayJobKind = RelayJob['kind'];
