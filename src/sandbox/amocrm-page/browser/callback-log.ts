import { el } from './el';

export interface LogEntry {
  readonly seq: number;
  readonly name: string;
  /** performance.now() when the call started. */
  readonly at: number;
  readonly durationMs?: number;
  readonly detail?: string;
  readonly failed?: boolean;
}

export interface CallbackLog {
  readonly entries: readonly LogEntry[];
  add(entry: Omit<LogEntry, 'seq'>): LogEntry;
}

/** The visible list of what the page did to the widget, mirrored to the console and `window.__sandbox.log`. */
export function createCallbackLog(list: HTMLElement): CallbackLog {
  const entries: LogEntry[] = [];
  return {
    entries,
    add(input) {
      const entry: LogEntry = { ...input, seq: entries.length + 1 };
      entries.push(entry);
      const duration = entry.durationMs === undefined ? '' : ` (${entry.durationMs.toFixed(1)} ms)`;
      const text = `${entry.name}${entry.detail === undefined ? '' : ` ${entry.detail}`}${duration}`;
      list.append(
        el(
          'li',
          {
            'data-testid': 'callback-log-entry',
            'data-callback': entry.name,
            class: entry.failed === true ? 'log-entry log-entry--failed' : 'log-entry',
          },
          el('span', { class: 'log-entry__time' }, `${entry.at.toFixed(1)} ms`),
          ' ',
          text,
        ),
      );
      // scrolling in the next frame keeps the log from forcing a layout inside a timed callback
      requestAnimationFrame(() => {
        list.scrollTop = list.scrollHeight;
      });
      const line = `[amoCRM sandbox] ${entry.at.toFixed(1)} ms ${text}`;
      if (entry.failed === true) console.warn(line);
      else console.info(line);
      return entry;
    },
  };
}

/** A short, log-friendly rendering of a callback's return value. */
export function describeResult(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null || typeof value === 'boolean' || typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
  if (isThenable(value)) return 'a Promise';
  return Object.prototype.toString.call(value);
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
