// User Timing marks for DevTools and `performance.getEntriesByName`. jsdom has no User Timing, so each call is
// guarded: the page must work the same where the API is missing.

export function mark(name: string): void {
  if (typeof performance.mark === 'function') performance.mark(name);
}

export function measure(name: string, start: number, duration: number): void {
  if (typeof performance.measure === 'function') performance.measure(name, { start, duration });
}
