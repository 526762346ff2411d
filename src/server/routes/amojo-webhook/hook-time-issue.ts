export interface HookTimeWindow {
  /** Oldest acceptable hook `time`, as an age. */
  maxAgeMs: number;
  /** How far ahead of our clock a hook `time` may be. */
  maxSkewMs: number;
}

/**
 * amojo signs no timestamp, so a captured hook could be replayed; the inbox's dedupe key already makes a replay of
 * a hook we still remember harmless. This window only has to cover what the inbox has forgotten, so its default
 * (24 h) is far wider than the 15 minutes of signed requests: a hook delayed in amojo's slow lane is still a real
 * manager message, and amojo never sends it again. Keep it shorter than the inbox retention (pruneInboxExcept, run by the pruner).
 */
export const DEFAULT_HOOK_TIME_WINDOW: HookTimeWindow = { maxAgeMs: 24 * 60 * 60 * 1000, maxSkewMs: 15 * 60 * 1000 };

/** Why a hook's `time` (Unix seconds) is outside the window, or null when it is inside. */
export function hookTimeIssue(time: number, nowMs: number, window: HookTimeWindow): string | null {
  const at = time * 1000;
  if (!Number.isFinite(at)) return 'must be Unix seconds';
  if (at < nowMs - window.maxAgeMs) return `hook is older than ${Math.round(window.maxAgeMs / 60_000)} minutes`;
  if (at > nowMs + window.maxSkewMs)
    return `hook is dated more than ${Math.round(window.maxSkewMs / 60_000)} minutes ahead`;
  return null;
}
