import { z } from 'zod/mini';
import type { WidgetSettingsState } from './page-types';

export const widgetSettingsInput = z.strictObject({
  status: z.enum(['install', 'installed']),
  settings: z.record(z.string().check(z.minLength(1), z.maxLength(100)), z.string().check(z.maxLength(100_000))),
});

/** What amoCRM would keep server-side about the widget: install status and the saved field values. */
export function createSettingsStore(initial: WidgetSettingsState) {
  let current: WidgetSettingsState = structuredClone(initial);
  return {
    get: (): WidgetSettingsState => structuredClone(current),
    set(next: WidgetSettingsState) {
      current = structuredClone(next);
    },
  };
}

export type SettingsStore = ReturnType<typeof createSettingsStore>;
