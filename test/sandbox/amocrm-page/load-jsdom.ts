import { createRequire } from 'node:module';

// jsdom ships no type declarations and @types/jsdom is not installed: this typed loader names exactly what the
// page tests use, without an ambient `declare module`.
const require = createRequire(import.meta.url);

export interface JsdomOptions {
  readonly runScripts?: 'dangerously' | 'outside-only';
  readonly resources?: 'usable';
  readonly pretendToBeVisual?: boolean;
  /** Runs before the page's scripts: where a test installs what jsdom lacks (fetch). */
  readonly beforeParse?: (window: Window & typeof globalThis) => void;
}

export interface JsdomInstance {
  readonly window: Window & typeof globalThis;
}

interface JsdomConstructor {
  fromURL(url: string, options?: JsdomOptions): Promise<JsdomInstance>;
}

export const JSDOM = (require('jsdom') as { JSDOM: JsdomConstructor }).JSDOM;
