/*
 * The slice of amoCRM's widget environment this bundle relies on, typed from the platform docs
 * (integrations/script_js.md, web_sdk/mechanics.md, web_sdk/env_variables.md). Anything marked optional is either
 * undocumented or missing in some interface versions, so the code must cope without it.
 */

/** What `$.ajax` failures hand to `.fail()`: the jqXHR, a text status ('error', 'timeout', 'abort', 'parsererror'). */
export interface AmoXhr {
  readonly status: number;
  readonly responseText?: string;
}

/** The jQuery Deferred (`$.ajax`-compatible) that `$authorizedAjax` returns. */
export interface AmoDeferred {
  done(callback: (data: unknown, textStatus: string, xhr: AmoXhr) => void): AmoDeferred;
  fail(callback: (xhr: AmoXhr, textStatus: string, errorThrown?: unknown) => void): AmoDeferred;
}

/** The `$.ajax` options this bundle passes; `$authorizedAjax` accepts every `$.ajax` option. */
export interface AmoAjaxOptions {
  url: string;
  method: string;
  type: string;
  dataType: 'text';
  timeout: number;
  headers: Record<string, string>;
  data?: string;
  contentType?: string;
  processData?: boolean;
}

export interface AmoSystem {
  area?: string;
  amouser_id?: string | number;
  amouser?: string;
  subdomain?: string;
}

/** The callbacks object amoCRM calls; inside them `this` is this object, not the widget. */
export interface AmoCallbacks {
  render(): boolean;
  init(): boolean;
  bind_actions(): boolean;
  settings($modal_body: unknown, context?: unknown): boolean;
  onSave(info?: unknown): Promise<unknown>;
  destroy(): void;
  /** lead_sources: the admin added the widget as a source of this pipeline (web_sdk/settings.md). */
  onAddAsSource(pipelineId: unknown): boolean;
}

/** The system `Widget` object amoCRM extends with our constructor. */
export interface AmoWidget {
  callbacks?: AmoCallbacks;
  system(): AmoSystem;
  get_settings(): Record<string, unknown>;
  get_install_status?(): string;
  /** The manifest version; the docs suggest it for cache-busting the widget's static files. */
  get_version?(): string;
  i18n(key: string): unknown;
  langs?: unknown;
  params?: { widget_code?: string; path?: string };
  $authorizedAjax(options: AmoAjaxOptions): AmoDeferred;
}

/** `APP`, or its deprecated twin `AMOCRM`: read-only for widgets. */
export interface AmoApp {
  constant(name: string): unknown;
  lang_id?: string;
}

/** Anything array-like holding DOM elements, such as the jQuery object passed to `settings`. */
export interface ElementList {
  readonly length: number;
  readonly [index: number]: unknown;
}
