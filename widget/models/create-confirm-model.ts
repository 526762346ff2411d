import { signal } from '@preact/signals-core';

export type ConfirmableAction = 'rotate' | 'unlink';

/** Which destructive action on which number, if any, is waiting for the admin to confirm it. */
export function createConfirmModel() {
  const pending = signal<{ readonly action: ConfirmableAction; readonly id: string } | null>(null);
  return {
    pending,
    ask(action: ConfirmableAction, id: string) {
      pending.value = { action, id };
    },
    cancel() {
      pending.value = null;
    },
  };
}

export type ConfirmModel = ReturnType<typeof createConfirmModel>;
