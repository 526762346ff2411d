import type { ChaosLoad } from './chaos-load';
import type { ChaosWorld } from './start-chaos-world';

export interface DeliveryCount {
  /** Client messages accepted plus manager messages sent. */
  readonly sent: number;
  readonly lost: number;
  /** Extra copies: a client message stored twice at amojo, a manager message under two event ids. */
  readonly doubled: number;
  /** Messages that arrived after a later message of their conversation. */
  readonly reordered: number;
  /** Manager messages whose hook got no 200 (the backend was down, or the emulator dropped it). */
  readonly missedHooks: number;
  /** Of those, how many reached the messenger anyway (recovered from history, or taken before the cut). */
  readonly missedArrived: number;
  readonly detail: string[];
}

const CLIENT = /^(\S+) c(\d+) #(\d+)$/;
const MANAGER = /^(\S+) c(\d+) m#(\d+)$/;

/**
 * Counts one scenario's messages where they end up: client messages at amojo (each chat's messages in arrival
 * order), manager messages at the messenger (first 200 per event id, in arrival order). A missed hook is lost only
 * when `missedMustArrive` (recovery was expected); it is always left out of the order check, since a recovered
 * message comes after later ones by nature.
 */
export function countDelivery(world: ChaosWorld, load: ChaosLoad, missedMustArrive: boolean): DeliveryCount {
  const detail: string[] = [];
  let lost = 0;
  let doubled = 0;
  let reordered = 0;

  // Client side: every accepted message once, per conversation in the order sent.
  const arrived = new Map<number, number[]>();
  // Only this scenario's chats: reading every chat's copy on each poll would slow the emulator in this process.
  for (const chatId of load.chats) {
    for (const message of world.emulator.listMessages(chatId)) {
      const match = CLIENT.exec(message.content.text ?? '');
      if (message.direction !== 'incoming' || match?.[1] !== load.tag) continue;
      const c = Number(match[2]);
      arrived.set(c, [...(arrived.get(c) ?? []), Number(match[3])]);
    }
  }
  load.clientSent.forEach((sent, c) => {
    const seqs = arrived.get(c) ?? [];
    const tally = countSequence(seqs);
    doubled += tally.doubled;
    reordered += tally.reordered;
    for (let seq = 1; seq <= sent; seq++) {
      if (!tally.seen.has(seq)) {
        lost += 1;
        if (detail.length < 10) detail.push(`client c${c} #${seq} never reached amojo`);
      }
    }
  });

  // Manager side.
  const eventsOf = new Map<string, Set<string>>();
  const orderOf = new Map<number, number[]>();
  const hookOf = new Map(load.managerSent.map((m) => [`${m.conversation}:${m.seq}`, m.hook]));
  for (const event of world.messenger.taken) {
    if (!event.text.startsWith(`${load.tag} `)) continue;
    const match = MANAGER.exec(event.text);
    if (match?.[1] !== load.tag) continue;
    const key = `${match[2]}:${match[3]}`;
    const events = eventsOf.get(key) ?? new Set();
    events.add(event.eventId);
    eventsOf.set(key, events);
    if (events.size > 1) continue;
    if (hookOf.get(key) === 'delivered') {
      const c = Number(match[2]);
      orderOf.set(c, [...(orderOf.get(c) ?? []), Number(match[3])]);
    }
  }
  let missedHooks = 0;
  let missedArrived = 0;
  for (const m of load.managerSent) {
    const events = eventsOf.get(`${m.conversation}:${m.seq}`)?.size ?? 0;
    doubled += Math.max(0, events - 1);
    if (events > 1 && detail.length < 10) detail.push(`manager c${m.conversation} m#${m.seq} came ${events} times`);
    if (m.hook !== 'delivered') {
      missedHooks += 1;
      if (events > 0) missedArrived += 1;
      else if (missedMustArrive) {
        lost += 1;
        if (detail.length < 10) detail.push(`manager c${m.conversation} m#${m.seq} (hook ${m.hook}) never recovered`);
      }
    } else if (events === 0) {
      lost += 1;
      if (detail.length < 10) detail.push(`manager c${m.conversation} m#${m.seq} never reached the messenger`);
    }
  }
  for (const seqs of orderOf.values()) reordered += countSequence(seqs).reordered;
  const whyMissed = new Map<string, number>();
  for (const m of load.managerSent) {
    if (m.hook !== 'delivered') {
      const why = `${m.hook}: ${(m.hookError ?? '').slice(0, 60)}`;
      whyMissed.set(why, (whyMissed.get(why) ?? 0) + 1);
    }
  }
  for (const [why, n] of whyMissed) detail.push(`${n} hooks ${why}`);
  if (world.messenger.rejected.length > 0) detail.push(`messenger rejected ${world.messenger.rejected.length}`);

  return {
    sent: load.clientSent.reduce((a, b) => a + b, 0) + load.managerSent.length,
    lost,
    doubled,
    reordered,
    missedHooks,
    missedArrived,
    detail,
  };
}

/** Doubles, and first arrivals that came after a higher number of the same conversation. */
function countSequence(seqs: readonly number[]) {
  const seen = new Set<number>();
  let doubled = 0;
  let reordered = 0;
  let highest = 0;
  for (const seq of seqs) {
    if (seen.has(seq)) {
      doubled += 1;
      continue;
    }
    seen.add(seq);
    if (seq < highest) reordered += 1;
    highest = Math.max(highest, seq);
  }
  return { seen, doubled, reordered };
}
