import { signal } from '@preact/signals-core';

/** Opens amoCRM's access popup; null when the browser blocked it, else a function that stops listening to it. */
export type StartGrant = (url: string, onDone: () => void) => (() => void) | null;

/**
 * Granting access to the account through amoCRM's popup: at most one popup is listened to, `blocked` says the browser
 * refused to open it, and `onDone` runs once the popup reports back or closes.
 */
export function createGrantModel(start: StartGrant, onDone: () => void) {
  const blocked = signal(false);
  let stop: (() => void) | null = null;

  function dispose() {
    stop?.();
    stop = null;
  }

  return {
    blocked,
    open(url: string) {
      dispose();
      stop = start(url, () => {
        stop = null;
        onDone();
      });
      blocked.value = stop === null;
    },
    dispose,
  };
}

export type GrantModel = ReturnType<typeof createGrantModel>;
