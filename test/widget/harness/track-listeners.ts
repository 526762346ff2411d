interface Registration {
  readonly target: EventTarget;
  readonly type: string;
  readonly listener: unknown;
  readonly capture: boolean;
}

export interface ListenerTracker {
  /** Listeners still registered on targets that outlive the panel: window, document, and connected nodes. */
  live(): Array<{ target: string; type: string }>;
}

function describe(target: EventTarget, window: Window): string {
  if (target === window) return 'window';
  if (target === window.document) return 'document';
  const element = target as Element;
  return element.tagName === undefined ? 'node' : `${element.tagName.toLowerCase()}.${element.className}`;
}

/**
 * Wraps the window's addEventListener/removeEventListener to keep a registry, so a test can prove that destroy
 * removes every listener the widget added (not just its DOM). Call before the widget's code runs.
 */
export function trackListeners(window: Window & typeof globalThis): ListenerTracker {
  const registry: Registration[] = [];
  const proto = window.EventTarget.prototype;
  const add = proto.addEventListener;
  const remove = proto.removeEventListener;
  const captureOf = (options: unknown) =>
    typeof options === 'boolean' ? options : Boolean((options as { capture?: boolean } | undefined)?.capture);
  proto.addEventListener = function (this: EventTarget, type: string, listener: unknown, options?: unknown) {
    registry.push({ target: this, type, listener, capture: captureOf(options) });
    return add.call(this, type, listener as EventListener, options as AddEventListenerOptions);
  };
  proto.removeEventListener = function (this: EventTarget, type: string, listener: unknown, options?: unknown) {
    const capture = captureOf(options);
    const index = registry.findIndex(
      (r) => r.target === this && r.type === type && r.listener === listener && r.capture === capture,
    );
    if (index !== -1) registry.splice(index, 1);
    return remove.call(this, type, listener as EventListener, options as EventListenerOptions);
  };
  return {
    live() {
      return registry
        .filter((r) => r.target === window || r.target === window.document || (r.target as Node).isConnected)
        .map((r) => ({ target: describe(r.target, window), type: r.type }));
    },
  };
}
