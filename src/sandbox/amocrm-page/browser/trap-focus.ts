const focusable = [
  'a[href]',
  'button:not([disabled])',
  'input:not([disabled]):not([type="hidden"])',
  'select:not([disabled])',
  'textarea:not([disabled])',
  '[tabindex]:not([tabindex="-1"])',
].join(', ');

function isShown(element: HTMLElement): boolean {
  // checkVisibility sees display:none ancestors and visibility:hidden; a page without layout (jsdom) lacks it
  return typeof element.checkVisibility === 'function'
    ? element.checkVisibility({ visibilityProperty: true })
    : element.closest('[hidden]') === null;
}

/** What Tab can reach inside `root`, in document order (nothing on these pages sets a positive tabindex). */
export function tabbableIn(root: HTMLElement): HTMLElement[] {
  // tabindex="-1" takes an element out of the Tab order whatever it is; counting it would let Tab leave the modal
  return [...root.querySelectorAll<HTMLElement>(focusable)].filter((el) => el.tabIndex >= 0 && isShown(el));
}

/**
 * Keeps keyboard focus inside a modal dialog while it is open (WAI-ARIA APG, dialog pattern): Tab on the last control
 * moves to the first, Shift+Tab on the first to the last, and Tab from anywhere outside (the sandbox's own top bar,
 * or nothing after a focused control was removed) goes back in. A mouse may still use the sandbox's top bar, which
 * stays above the overlay: focus is not pulled away from it. Returns the function that lets go.
 */
export function trapFocus(root: HTMLElement): () => void {
  const doc = root.ownerDocument;
  const onKeydown = (event: KeyboardEvent) => {
    if (event.key !== 'Tab' || event.defaultPrevented) return;
    const items = tabbableIn(root);
    const first = items[0];
    const last = items.at(-1);
    const active = doc.activeElement;
    const inside = active !== null && root.contains(active);
    if (first === undefined || last === undefined) {
      event.preventDefault();
    } else if (event.shiftKey && (active === first || !inside)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !inside)) {
      event.preventDefault();
      first.focus();
    }
  };
  doc.addEventListener('keydown', onKeydown);
  return () => doc.removeEventListener('keydown', onKeydown);
}
