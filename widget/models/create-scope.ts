import { effect } from '@preact/signals-core';

/** Owns every effect and listener of one mounted panel, so `dispose` provably leaves nothing running. */
export interface Scope {
  effect(fn: () => undefined | (() => void)): void;
  /** Registers a teardown, e.g. removing a DOM listener. */
  add(teardown: () => void): void;
  /** How many teardowns are pending; 0 after dispose. */
  readonly size: number;
  dispose(): void;
}

export function createScope(): Scope {
  const teardowns: Array<() => void> = [];
  return {
    effect(fn) {
      teardowns.push(effect(fn));
    },
    add(teardown) {
      teardowns.push(teardown);
    },
    get size() {
      return teardowns.length;
    },
    dispose() {
      // reverse order: later registrations may depend on earlier ones
      for (let teardown = teardowns.pop(); teardown !== undefined; teardown = teardowns.pop()) teardown();
    },
  };
}
