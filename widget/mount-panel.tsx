import { effect } from '@preact/signals-core';
import { render } from 'preact';
import { SettingsPanel } from './components/SettingsPanel';
import type { PanelContext } from './context';
import type { SettingsModal } from './host/open-settings-modal';

/** The class every style rule is scoped under; shared with no system class. */
export const panelRootClass = 'channel-link-widget';

/** amoCRM's Install and Save buttons (integrations/script_js.md consent example; Kommo's template). */
const saveButtonSelector = 'button.js-widget-install, .js-widget-save';

/**
 * Renders the panel into the modal and returns the one function that removes every trace of it: the DOM, the
 * document listener, and the context's effects.
 */
export function mountPanel(modal: SettingsModal, ctx: PanelContext): () => void {
  const doc = modal.body.ownerDocument;
  const root = doc.createElement('div');
  root.className = panelRootClass;
  modal.mountPoint.appendChild(root);
  // One effect renders the whole panel: every signal a component reads while rendering is tracked by it, so any
  // change re-renders (Preact diffs, so only what changed touches the DOM). The panel is small enough that this
  // beats pulling in @preact/signals' per-component integration and preact/hooks, about 2 KB of bundle.
  ctx.scope.add(effect(() => render(<SettingsPanel ctx={ctx} />, root)));

  // the required custom field already blocks Install/Save without consent; this says why
  const onClick = (event: Event) => {
    const target = event.target as Element | null;
    if (!ctx.consent.given.peek() && target?.closest?.(saveButtonSelector)) ctx.consent.warn();
  };
  doc.addEventListener('click', onClick, true);
  ctx.scope.add(() => doc.removeEventListener('click', onClick, true));

  let mounted = true;
  return () => {
    if (!mounted) return;
    mounted = false;
    render(null, root);
    root.remove();
    ctx.dispose();
  };
}
