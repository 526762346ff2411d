import { computed, signal } from '@preact/signals-core';

export interface ConsentModelOptions {
  /** When consent was given, from the saved field; null when it was not. */
  readonly consentAt: string | null;
  readonly now: () => Date;
}

/** The admin's consent to send account data to the backend: the gate in front of every request. */
export function createConsentModel({ consentAt: initial, now }: ConsentModelOptions) {
  const consentAt = signal(initial);
  const given = computed(() => consentAt.value !== null);
  /** Set when something needed consent that was missing; cleared once the box is ticked. */
  const warning = signal(false);

  return {
    consentAt,
    given,
    warning,
    set(checked: boolean) {
      consentAt.value = checked ? now().toISOString() : null;
      if (checked) warning.value = false;
    },
    warn() {
      warning.value = true;
    },
  };
}

export type ConsentModel = ReturnType<typeof createConsentModel>;
