import { signal } from '@preact/signals-core';

export type ConfirmableAction = 'rotate' | 'unlink';

/** Which destructive action, if any, is waiting for the admin to confirm it. */
export function createConfirmModel() {
  const pending = signal<ConfirmableAction | null>(null);
  return {
    pending,
    ask(action: ConfirmableAction) {
      pending.value = action;
    },
    cancel() {
      pending.value = null;
    },
  };
}

export type ConfirmModel = ReturnType<typeof createConfirmModel>;
