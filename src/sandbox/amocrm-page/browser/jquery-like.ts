// The slice of jQuery 2 the emulated page uses; it is the page's own copy, loaded through RequireJS as `jquery`.

export interface JQueryPromiseLike {
  done(callback: (...args: unknown[]) => void): JQueryPromiseLike;
  fail(callback: (...args: unknown[]) => void): JQueryPromiseLike;
  always(callback: (...args: unknown[]) => void): JQueryPromiseLike;
}

export interface JQueryDeferredLike extends JQueryPromiseLike {
  resolveWith(context: unknown, args: readonly unknown[]): JQueryDeferredLike;
  rejectWith(context: unknown, args: readonly unknown[]): JQueryDeferredLike;
  promise(): JQueryPromiseLike;
}

export interface JQueryCollectionLike extends ArrayLike<HTMLElement> {
  on(events: string, handler: (event: Event) => void): JQueryCollectionLike;
  off(events?: string): JQueryCollectionLike;
}

export interface JQueryXhrLike {
  readonly status: number;
  readonly responseText?: string;
}

export interface JQueryStaticLike {
  (target: Element | Document): JQueryCollectionLike;
  Deferred(): JQueryDeferredLike;
  ajax(options: Record<string, unknown>): JQueryPromiseLike;
  readonly fn: { readonly jquery: string };
}

interface RequireJs {
  (deps: string[], onLoad: (...modules: unknown[]) => void, onError: (error: unknown) => void): void;
  config(config: Record<string, unknown>): void;
}

/** RequireJS is loaded by a classic script tag before any module script runs. */
export function pageRequireJs(): RequireJs {
  const requirejs: unknown = Reflect.get(window, 'requirejs');
  if (typeof requirejs !== 'function') throw new Error('RequireJS is not loaded on this page');
  return requirejs as RequireJs;
}
