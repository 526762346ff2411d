export interface TypingThrottle {
  /** True (and remembered) when no typing for `key` went out in the last interval. */
  allow(key: string, now: number): boolean;
}

/**
 * "Client is typing" reaches amojo at most once per interval per conversation (3 s, inside amojo's 5 s indicator): a
 * messenger that reports every keystroke would otherwise cost a signed call each. The bridge throttles what it
 * accepts and the relay what it sends, both with this. In memory on purpose: a typing indicator is not worth a
 * database write, and after a restart one extra call is harmless.
 */
export function createTypingThrottle(options: { intervalMs: number; maxEntries?: number }): TypingThrottle {
  const { intervalMs, maxEntries = 10_000 } = options;
  const last = new Map<string, number>();
  return {
    allow(key, now) {
      const previous = last.get(key);
      // A clock stepped back (NTP) lets the next one through: otherwise the conversation would stay silent until the
      // clock caught up with the remembered time, however far ahead that is.
      if (previous !== undefined && now >= previous && now - previous < intervalMs) return false;
      // The map is bounded: expired entries go first, and everything if that is not enough (one extra call each).
      if (last.size >= maxEntries) {
        for (const [k, at] of last) if (now - at >= intervalMs) last.delete(k);
        if (last.size >= maxEntries) last.clear();
      }
      last.set(key, now);
      return true;
    },
  };
}
