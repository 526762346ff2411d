import { mark } from './perf-marks';

export interface PanelTiming {
  /** From just before `settings()` to the first moment a widget element in the settings block has a size. */
  readonly settingsToVisibleMs: number;
  /** From just before `settings()` to the next animation frame after that (when the browser can paint it). */
  readonly settingsToFrameMs: number;
  /** True when the panel was already laid out at the first check, right after `settings()` returned. */
  readonly visibleOnReturn: boolean;
}

/** How long to wait for a panel before giving up (a widget may render nothing at all). */
const GIVE_UP_MS = 10_000;

function hasVisiblePanel(block: HTMLElement, system: ReadonlySet<Element>): boolean {
  for (const child of block.children) {
    if (system.has(child)) continue;
    const box = child.getBoundingClientRect();
    if (box.width > 0 && box.height > 0) return true;
  }
  return false;
}

/**
 * Watches the modal's settings block for the widget's panel: checked at once (a synchronous render is already
 * there when `settings()` returns), then on every DOM change and animation frame. Resolves null if none appears.
 */
export function measurePanelVisible(
  block: HTMLElement,
  system: ReadonlySet<Element>,
  startedAt: number,
): Promise<PanelTiming | null> {
  return new Promise((resolve) => {
    let done = false;
    let frame = 0;
    let checks = 0;
    const observer = new MutationObserver(() => check());
    const finish = (timing: PanelTiming | null) => {
      done = true;
      observer.disconnect();
      cancelAnimationFrame(frame);
      resolve(timing);
    };
    const check = () => {
      if (done) return;
      checks += 1;
      const visible = hasVisiblePanel(block, system);
      // read after the check: a box needs layout, and that layout is part of getting the panel on screen
      const now = performance.now();
      if (visible) {
        done = true;
        observer.disconnect();
        cancelAnimationFrame(frame);
        mark('sandbox:panel-visible');
        requestAnimationFrame(() => {
          resolve({
            settingsToVisibleMs: now - startedAt,
            settingsToFrameMs: performance.now() - startedAt,
            visibleOnReturn: checks === 1,
          });
        });
        return;
      }
      if (now - startedAt > GIVE_UP_MS) finish(null);
    };
    const poll = () => {
      check();
      if (!done) frame = requestAnimationFrame(poll);
    };
    observer.observe(block, { childList: true, subtree: true, attributes: true });
    check();
    if (!done) frame = requestAnimationFrame(poll);
  });
}
