import { setTimeout as sleep } from 'node:timers/promises';
import type { ChaosWorld } from './start-chaos-world';

/** How hard and how long one scenario's load runs. */
export interface LoadPlan {
  readonly conversations: number;
  /** Pause between two client messages of one conversation. */
  readonly clientGapMs: number;
  /** Pause between two manager messages of one conversation; 0 sends none. */
  readonly managerGapMs: number;
  /** Upper bound per conversation, whatever the fault script does. */
  readonly maxPerConversation: number;
}

/** A manager message and what its hook met. */
export interface SentManagerMessage {
  readonly conversation: number;
  readonly seq: number;
  readonly messageId: string;
  /** The emulator's verdict on the hook: only 'delivered' (a 200) means the backend took it. */
  readonly hook: string;
  /** Why the hook failed (the emulator's words), for the report. */
  readonly hookError?: string;
}

export interface ChaosLoad {
  readonly tag: string;
  /** Client messages accepted (202) by the bridge, per conversation: 1..n. */
  readonly clientSent: number[];
  readonly managerSent: SentManagerMessage[];
  /** amojo's chat of each conversation. */
  readonly chats: string[];
  /** Sends until `stop()` (or the plan's bound); resolves when the last message was accepted. */
  run(): Promise<void>;
  stop(): void;
  /** When the last message was accepted or sent. */
  lastSentAt: () => number;
  /** Sends `count` more manager messages per conversation right away (hooks dropped while down). */
  sendManagerBurst(count: number): Promise<void>;
}

/**
 * The load of one scenario under a tag of its own: client messages through the bridge API (sequential per
 * conversation, each retried with the same id until a 202, so the order sent is the order accepted) and manager
 * messages through the emulator's control API, whose hooks go to the backends. Texts carry the sequence numbers.
 */
export async function openChaosLoad(world: ChaosWorld, tag: string, plan: LoadPlan): Promise<ChaosLoad> {
  const clientSent = Array.from({ length: plan.conversations }, () => 0);
  const managerSent: SentManagerMessage[] = [];
  const managerSeq = Array.from({ length: plan.conversations }, () => 0);
  let stopped = false;
  let lastSentAt = Date.now();

  const postClient = async (c: number) => {
    const seq = clientSent[c]! + 1;
    await postBridgeMessage(world, {
      id: `${tag}-c${c}-${seq}`,
      conversation: { id: `${tag}-c${c}` },
      sender: { id: `${tag}-u${c}`, name: `Client ${c}` },
      message: { type: 'text', text: `${tag} c${c} #${seq}` },
    });
    clientSent[c] = seq;
    lastSentAt = Date.now();
  };
  const sendManager = async (c: number, chatId: string) => {
    const seq = managerSeq[c]! + 1;
    managerSeq[c] = seq;
    const sent = await world.emulator.sendMessage({ chatId, message: { type: 'text', text: `${tag} c${c} m#${seq}` } });
    const { state, error } = sent.hook;
    managerSent.push({
      conversation: c,
      seq,
      messageId: sent.message.id,
      hook: state,
      ...(error === undefined ? {} : { hookError: error }),
    });
    lastSentAt = Date.now();
  };

  // Each conversation opens with a client message, so amojo has its chat for the managers to answer in.
  await Promise.all(clientSent.map((_, c) => postClient(c)));
  const chats = await findChats(
    world,
    clientSent.map((_, c) => `${tag} c${c} #1`),
  );

  return {
    tag,
    clientSent,
    managerSent,
    chats,
    lastSentAt: () => lastSentAt,
    stop: () => {
      stopped = true;
    },
    async run() {
      const loops = chats.flatMap((chatId, c) => {
        const client = async () => {
          while (!stopped && clientSent[c]! < plan.maxPerConversation) {
            await postClient(c);
            await sleep(plan.clientGapMs);
          }
        };
        const manager = async () => {
          if (plan.managerGapMs <= 0) return;
          await sleep((plan.managerGapMs * c) / plan.conversations);
          while (!stopped && managerSeq[c]! < plan.maxPerConversation) {
            await sendManager(c, chatId);
            await sleep(plan.managerGapMs);
          }
        };
        return [client(), manager()];
      });
      await Promise.all(loops);
    },
    async sendManagerBurst(count) {
      await Promise.all(
        chats.map(async (chatId, c) => {
          for (let i = 0; i < count; i++) await sendManager(c, chatId);
        }),
      );
    },
  };
}

/** Posts one client message until the bridge accepts it; a repeat of the same id is a no-op there. */
async function postBridgeMessage(world: ChaosWorld, body: { id: string } & Record<string, unknown>): Promise<void> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      const response = await fetch(`${world.frontUrl}/bridge/v1/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${world.apiKey}` },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      const text = await response.text();
      if (response.status === 202) return;
      if (response.status === 400 || response.status === 401 || response.status === 409) {
        throw new Error(`the bridge refused ${body.id}: ${response.status} ${text}`);
      }
    } catch (error) {
      if (error instanceof Error && error.message.startsWith('the bridge refused')) throw error;
    }
    if (Date.now() > deadline) throw new Error(`the bridge did not accept ${body.id} within 180 s`);
    await sleep(100);
  }
}

/** Chats already matched to a conversation: never scanned again, so finding a new one stays cheap. */
const knownChats = new Set<string>();

/**
 * amojo's chat of each opening text. Only chats not seen before are read: the emulator shares this process, and
 * copying every stored message on each poll would slow it enough to time out the backends' calls.
 */
async function findChats(world: ChaosWorld, texts: readonly string[]): Promise<string[]> {
  const found = new Map<string, string>();
  // Generous: a backlog left by the previous scenario's fault drains first, and it is not this one's to time.
  const deadline = Date.now() + 180_000;
  while (found.size < texts.length) {
    if (Date.now() > deadline) {
      const missing = texts.filter((t) => !found.has(t));
      throw new Error(`${missing.length} conversations never reached amojo, e.g. "${missing[0]}"`);
    }
    for (const chat of world.emulator.listChats(world.scopeId)) {
      if (knownChats.has(chat.id)) continue;
      const first = world.emulator.listMessages(chat.id).find((m) => m.direction === 'incoming');
      if (first !== undefined && texts.includes(first.content.text)) {
        found.set(first.content.text, chat.id);
        knownChats.add(chat.id);
      }
    }
    await sleep(100);
  }
  return texts.map((t) => found.get(t) as string);
}
