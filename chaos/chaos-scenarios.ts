import { setTimeout as sleep } from 'node:timers/promises';
import type { ScenarioDefinition } from './run-scenario';
import type { ChaosWorld } from './start-chaos-world';

/** Helper B's switch on the emulator: absent until it lands, so the scenario that needs it says so and skips. */
type HookDeliverySwitch = { setHookDelivery(input: { mode: 'send' | 'drop' }): unknown };
const hookSwitchOf = (world: ChaosWorld): HookDeliverySwitch | undefined => {
  const candidate = world.emulator as unknown as Partial<HookDeliverySwitch>;
  return typeof candidate.setHookDelivery === 'function' ? (candidate as HookDeliverySwitch) : undefined;
};

/**
 * The four faults of issue 14, item 4. `short` is the CI form: 5 s outages, few messages. On PostgreSQL the kill
 * takes one of the two backends (the other keeps serving); "hooks dropped" takes them all down, as a restart would.
 */
export function chaosScenarios(short: boolean): ScenarioDefinition[] {
  const outageMs = short ? 5_000 : 30_000;
  const phaseMs = short ? 1_500 : 8_000;
  const plan = short
    ? { conversations: 6, clientGapMs: 150, managerGapMs: 300, maxPerConversation: 400 }
    : { conversations: 16, clientGapMs: 120, managerGapMs: 300, maxPerConversation: 2000 };

  return [
    {
      name: 'kill -9 x2',
      plan,
      missedMustArrive: false,
      async faults(world) {
        const victim = world.backends[0]!;
        let restartedAt = Date.now();
        for (let round = 0; round < 2; round++) {
          await sleep(short ? 1_000 : 5_000);
          await victim.kill();
          await sleep(1_000);
          await victim.start();
          restartedAt = Date.now();
        }
        // A little load after the last restart, so conversations held by the dead process's leases get new messages.
        await sleep(short ? 1_000 : 3_000);
        return restartedAt;
      },
    },
    {
      name: `amojo down ${outageMs / 1000}s, 429, 503`,
      plan,
      missedMustArrive: false,
      async faults(world) {
        await sleep(1_000);
        world.amojoProxy.setMode({ kind: 'down' });
        await sleep(outageMs);
        world.amojoProxy.setMode({ kind: 'status', status: 429, retryAfterSeconds: 1 });
        await sleep(phaseMs);
        world.amojoProxy.setMode({ kind: 'status', status: 503 });
        await sleep(phaseMs);
        world.amojoProxy.setMode({ kind: 'pass' });
        return Date.now();
      },
    },
    {
      name: `messenger down ${outageMs / 1000}s, slow 4.5s, 503`,
      plan,
      missedMustArrive: false,
      async faults(world) {
        await sleep(1_000);
        world.messengerProxy.setMode({ kind: 'down' });
        await sleep(outageMs);
        world.messengerProxy.setMode({ kind: 'pass' });
        // Near the relay's 5 s delivery timeout: taken, answered just in time.
        world.messenger.state.delayMs = 4_500;
        await sleep(phaseMs);
        world.messenger.state.delayMs = 0;
        world.messenger.state.status = 503;
        await sleep(phaseMs);
        world.messenger.state.status = 200;
        return Date.now();
      },
    },
    {
      name: 'hooks dropped while down',
      plan: { ...plan, managerGapMs: 0 },
      missedMustArrive: true,
      noLoop: true,
      unavailable: (world) =>
        hookSwitchOf(world) === undefined
          ? 'not available: the emulator has no setHookDelivery (missed-hook recovery, issue 14 item 3)'
          : undefined,
      async faults(world, load) {
        const hooks = hookSwitchOf(world)!;
        await Promise.all(world.backends.map((b) => b.kill()));
        hooks.setHookDelivery({ mode: 'drop' });
        try {
          await load.sendManagerBurst(short ? 3 : 10);
        } finally {
          hooks.setHookDelivery({ mode: 'send' });
        }
        await Promise.all(world.backends.map((b) => b.start()));
        return Date.now();
      },
    },
  ];
}
