import { createRequire } from 'node:module';
import type { JQueryLike } from './fake-amo-page';

/*
 * jsdom and jquery ship no type declarations and @types packages are not installed; these typed loaders give the
 * tests exactly the surface they use, without an ambient `declare module` that could clash with other code.
 */
const require = createRequire(import.meta.url);

export interface JsdomOptions {
  readonly url?: string;
  readonly runScripts?: 'dangerously' | 'outside-only';
  readonly resources?: 'usable';
  readonly pretendToBeVisual?: boolean;
}

export interface JsdomInstance {
  readonly window: Window & typeof globalThis;
}

export interface JsdomConstructor {
  new (html?: string, options?: JsdomOptions): JsdomInstance;
  fromURL(url: string, options?: JsdomOptions): Promise<JsdomInstance>;
}

export const JSDOM = (require('jsdom') as { JSDOM: JsdomConstructor }).JSDOM;

/** jQuery bound to the test environment's own window (the jsdom project's global). */
export function loadJQuery(): JQueryLike {
  return require('jquery') as JQueryLike;
}
