import { type CallbackLog, describeResult } from './callback-log';
import type { BaseWidget } from './create-base-widget';
import { mark } from './perf-marks';

export type CallbackOutcome =
  | { readonly kind: 'returned'; readonly value: unknown; readonly durationMs: number }
  | { readonly kind: 'threw'; readonly error: unknown }
  | { readonly kind: 'missing' };

/**
 * Calls one widget callback the way amoCRM does (`this` is the callbacks object, web_sdk/mechanics.md), logging the
 * call, its duration and its return value. A throw is caught and logged: the page keeps working, as amoCRM's does.
 */
export function invokeCallback(
  widget: BaseWidget,
  name: string,
  args: readonly unknown[],
  log: CallbackLog,
): CallbackOutcome {
  const callbacks = widget.callbacks;
  const fn = callbacks?.[name];
  const at = performance.now();
  if (typeof fn !== 'function') {
    log.add({ name, at, detail: 'is not defined', failed: true });
    return { kind: 'missing' };
  }
  mark(`sandbox:${name}:start`);
  try {
    const value = fn.apply(callbacks, [...args]);
    const durationMs = performance.now() - at;
    mark(`sandbox:${name}:end`);
    log.add({ name, at, durationMs, detail: `-> ${describeResult(value)}` });
    return { kind: 'returned', value, durationMs };
  } catch (error) {
    log.add({ name, at, detail: `threw ${errorText(error)}`, failed: true });
    return { kind: 'threw', error };
  }
}

export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  return describeResult(error);
}
