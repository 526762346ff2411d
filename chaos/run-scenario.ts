import { setTimeout as sleep } from 'node:timers/promises';
import { type ChaosLoad, type LoadPlan, openChaosLoad } from './chaos-load';
import { countDelivery, type DeliveryCount } from './count-delivery';
import type { ChaosWorld } from './start-chaos-world';

export interface ScenarioDefinition {
  readonly name: string;
  readonly plan: LoadPlan;
  /**
   * Runs the faults while the load runs; resolves with the time (Date.now()) the last fault ended, from which the
   * drain is timed.
   */
  readonly faults: (world: ChaosWorld, load: ChaosLoad) => Promise<number>;
  /** Hooks missed during the fault must reach the messenger (recovery is what the scenario tests). */
  readonly missedMustArrive: boolean;
  /** Why the scenario cannot run on this tree (a feature not there yet), checked before any load. */
  readonly unavailable?: (world: ChaosWorld) => string | undefined;
  /** The scenario runs no load loop of its own (its faults send what they need). */
  readonly noLoop?: boolean;
}

export interface ScenarioResult extends DeliveryCount {
  readonly scenario: string;
  readonly db: 'sqlite' | 'postgres';
  readonly instances: number;
  /** From the end of the last fault (or the last message sent, whichever is later) to the last message counted. */
  readonly drainSeconds: number | undefined;
  readonly redelivered: number;
  readonly skipped?: string;
}

const SETTLE_MS = 1000;

/** One scenario on a running world: load and faults together, then the drain, then the count. */
export async function runScenario(
  world: ChaosWorld,
  definition: ScenarioDefinition,
  drainTimeoutMs: number,
  /** How long after the drain a missed hook may still arrive (recovered from history) and count as arrived. */
  recoveryGraceMs = 20_000,
): Promise<ScenarioResult> {
  const base = { scenario: definition.name, db: world.db, instances: world.backends.length };
  const unavailable = definition.unavailable?.(world);
  if (unavailable !== undefined) {
    const zero = { sent: 0, lost: 0, doubled: 0, reordered: 0, missedHooks: 0, missedArrived: 0, redelivered: 0 };
    return { ...base, ...zero, detail: [], drainSeconds: undefined, skipped: unavailable };
  }
  const redeliveredBefore = world.messenger.redelivered();
  const tag = `${definition.name.replace(/\W+/g, '')}${Date.now().toString(36)}`;
  const load = await openChaosLoad(world, tag, definition.plan);
  const running = definition.noLoop ? Promise.resolve() : load.run();
  let faultEnd: number;
  try {
    faultEnd = await definition.faults(world, load);
  } finally {
    load.stop();
    await running;
  }
  const from = Math.max(faultEnd, load.lastSentAt());
  let drainedAt: number | undefined;
  const deadline = Date.now() + drainTimeoutMs;
  while (Date.now() < deadline) {
    if (countDelivery(world, load, definition.missedMustArrive).lost === 0) {
      drainedAt = Date.now();
      break;
    }
    await sleep(250);
  }
  // Missed hooks are not this scenario's loss, but how many come back is worth a figure: recovery gets a while more.
  if (drainedAt !== undefined && !definition.missedMustArrive) {
    const graceUntil = Date.now() + recoveryGraceMs;
    while (Date.now() < graceUntil && countDelivery(world, load, true).lost > 0) await sleep(250);
  }
  // Late copies (a redelivery after a cut answer) arrive after the last first copy: give them a moment.
  await sleep(SETTLE_MS);
  const count = countDelivery(world, load, definition.missedMustArrive);
  return {
    ...base,
    ...count,
    drainSeconds: drainedAt === undefined ? undefined : Math.max(0, drainedAt - from) / 1000,
    redelivered: world.messenger.redelivered() - redeliveredBefore,
  };
}
