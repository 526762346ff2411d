import { pathToFileURL } from 'node:url';
import { vi } from 'vitest';
import type { Messenger } from './harness';
import { openSse } from './sse-reader';

interface DomWindow {
  document: Document;
  Node: typeof Node;
  Event: typeof Event;
  sessionStorage: Storage;
  close(): void;
}
type JsdomModule = { JSDOM: new (html: string, options: object) => { window: DomWindow } };

const APP = pathToFileURL(new URL('../../../src/sandbox/demo-messenger/page/app.js', import.meta.url).pathname).href;

/** EventSource for the page, fed by the messenger's real `/events` stream. */
function eventSourceFor(base: string) {
  return class {
    readonly #listeners = new Map<string, ((event: { data: string }) => void)[]>();
    #closed = false;
    constructor(_path: string) {
      void this.#run();
    }
    async #run() {
      const sse = await openSse(base);
      try {
        while (!this.#closed) {
          const snapshot = await sse.until(() => true, 3_600_000);
          if (this.#closed) break;
          for (const listener of this.#listeners.get('state') ?? []) listener({ data: JSON.stringify(snapshot) });
        }
      } catch {
        // closed, or the messenger stopped
      } finally {
        sse.close();
      }
    }
    addEventListener(type: string, listener: (event: { data: string }) => void) {
      this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), listener]);
    }
    close() {
      this.#closed = true;
    }
  };
}

/**
 * The messenger's real page (index.html and its ES modules, unbuilt) in jsdom, talking to the running messenger:
 * what a person does in the browser, without one. `close()` before the messenger closes.
 */
export async function openPage(m: Messenger) {
  const html = await (await fetch(m.messenger.url)).text();
  const jsdom = 'jsdom';
  const { JSDOM } = (await import(jsdom)) as JsdomModule;
  const { window } = new JSDOM(html, { url: m.messenger.url, pretendToBeVisual: true });
  const realFetch = globalThis.fetch;
  const sources: { close(): void }[] = [];
  const EventSource = eventSourceFor(m.messenger.url);
  vi.stubGlobal('fetch', (input: string | URL, init?: RequestInit) =>
    realFetch(new URL(String(input), m.messenger.url), init),
  );
  vi.stubGlobal('document', window.document);
  vi.stubGlobal('Node', window.Node);
  vi.stubGlobal('sessionStorage', window.sessionStorage);
  vi.stubGlobal(
    'EventSource',
    class extends EventSource {
      constructor(path: string) {
        super(path);
        sources.push(this);
      }
    },
  );
  vi.resetModules();
  await import(APP);

  const byTestId = <E extends Element = HTMLElement>(id: string) => {
    const found = window.document.querySelector<E>(`[data-testid="${id}"]`);
    if (found === null) throw new Error(`no element with data-testid="${id}"`);
    return found;
  };
  const all = (selector: string) => [...window.document.querySelectorAll<HTMLElement>(selector)];
  const dispatch = (element: Element, type: string) => element.dispatchEvent(new window.Event(type, { bubbles: true }));
  return {
    window,
    byTestId,
    all,
    /** Types into an input or textarea as a person would: the value, then an input event. */
    type(id: string, text: string) {
      const field = byTestId<HTMLInputElement>(id);
      field.value = text;
      dispatch(field, 'input');
    },
    /** A paste into a field: the paste event, the text landing, then the input event. */
    paste(id: string, text: string) {
      const field = byTestId<HTMLTextAreaElement>(id);
      dispatch(field, 'paste');
      field.value = text;
      dispatch(field, 'input');
    },
    async live() {
      await vi.waitFor(() => {
        if (byTestId('connection-status').dataset.state !== 'live') throw new Error('not live yet');
      });
    },
    close() {
      for (const source of sources) source.close();
      vi.unstubAllGlobals();
      window.close();
    },
  };
}

export type PageDom = Awaited<ReturnType<typeof openPage>>;
