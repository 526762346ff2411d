export interface TypingThrottle {
  /** True (and remembered) when no typing for `key` went out in the last interval. */
  allow(key: string, now: number): boolean;
}

/**
 * "Client is typing" reaches amojo at most once per interval per conversation (default 3 s, inside amojo's 5 s
 * indicator): a messenger that reports every keystroke would otherwise cost a signed call each. In memory on
 * purpose: a typing indicator is not worth a database write, and after a restart one extra call is harmless.
 */
export function createTypingThrottle(options: { intervalMs?: number; maxEntries?: number } = {}): TypingThrottle {
  const intervalMs = options.intervalMs ?? 3000;
  const maxEntries = options.maxEntries ?? 50_000;
  const last = new Map<string, number>();
  return {
    allow(key, now) {
      const previous = last.get(key);
      if (previous !== undefined && now - previous < intervalMs) return false;
      if (last.size >= maxEntries) {
        for (const [k, at] of last) if (now - at >= intervalMs) last.delete(k);
        if (last.size >= maxEntries) last.clear();
      }
      last.set(key, now);
      return true;
    },
  };
}
