/**
 * Remembers when each conversation last passed typing on, so a messenger that reports every keystroke costs one
 * amojo call per interval. In memory on purpose: typing is ephemeral, and losing this on restart costs one extra call.
 */
export function createTypingThrottle(intervalMs: number, maxEntries = 10_000) {
  const last = new Map<string, number>();
  return {
    /** True when `key` may pass now (and records it); false while within the interval. */
    take(key: string, now: number): boolean {
      const previous = last.get(key);
      if (previous !== undefined && now - previous < intervalMs && now >= previous) return false;
      if (last.size >= maxEntries) {
        for (const [k, at] of last) if (now - at >= intervalMs) last.delete(k);
        if (last.size >= maxEntries) last.clear();
      }
      last.set(key, now);
      return true;
    },
  };
}

export type TypingThrottle = ReturnType<typeof createTypingThrottle>;
