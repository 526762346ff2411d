import type { CrmPageBootstrap, InstallStatus } from '../page-types';
import type { CallbackLog } from './callback-log';
import type { JQueryPromiseLike, JQueryStaticLike, JQueryXhrLike } from './jquery-like';

/** What the page knows about the widget's installation; Save and Disable change it. */
export interface WidgetState {
  status: InstallStatus;
  saved: Record<string, string>;
  /** What the widget itself added with set_settings() (kept in the page only, as amoCRM does). */
  local: Record<string, unknown>;
}

export type Callbacks = Record<string, ((...args: unknown[]) => unknown) | undefined>;

/** The system `Widget` object amoCRM extends with the widget's constructor (integrations/script_js.md). */
export interface BaseWidget {
  callbacks?: Callbacks;
  system(): Record<string, unknown>;
  get_settings(): Record<string, unknown>;
  set_settings(values: Record<string, unknown>): void;
  get_install_status(): string;
  get_version(): string;
  i18n(key: string): unknown;
  langs: Record<string, unknown>;
  set_lang(langs: Record<string, unknown>): void;
  params: Record<string, unknown>;
  $authorizedAjax(options: Record<string, unknown>): JQueryPromiseLike;
}

export interface BaseWidgetDeps {
  readonly boot: CrmPageBootstrap;
  readonly $: JQueryStaticLike;
  readonly state: WidgetState;
  readonly log: CallbackLog;
  /** The page server's token endpoint (the integration secret stays there). */
  readonly tokenUrl: string;
}

export function createBaseWidget({ boot, $, state, log, tokenUrl }: BaseWidgetDeps): BaseWidget {
  const { widget, account, user } = boot;
  const meta = () => ({
    widget_code: widget.code,
    path: widget.path,
    images_path: `${widget.path}/images/`,
    version: widget.version,
    oauth_client_uuid: widget.clientId,
    active: state.status === 'installed' ? 'Y' : 'N',
    widget_active: state.status === 'installed' ? 'Y' : 'N',
    status: state.status,
  });
  const base: BaseWidget = {
    system: () => ({
      area: 'settings',
      amouser_id: String(user.id),
      amouser: user.email,
      subdomain: account.subdomain,
      domain: `${account.subdomain}.${account.domain}`,
      server: account.domain,
    }),
    get_settings: () => ({ ...state.saved, ...state.local, ...meta() }),
    set_settings(values) {
      Object.assign(state.local, values);
    },
    get_install_status: () => state.status,
    get_version: () => widget.version,
    i18n: (key) => base.langs[key],
    langs: widget.i18n,
    set_lang(langs) {
      base.langs = langs;
    },
    params: { widget_code: widget.code, path: widget.path, images_path: `${widget.path}/images/` },
    $authorizedAjax: (options) => authorizedAjax($, tokenUrl, options, log),
  };
  return base;
}

/**
 * `$.ajax` with a fresh one-time token in X-Auth-Token (web_sdk/mechanics.md): the page server mints it per call,
 * since each `jti` is single use. Returns a jQuery promise that settles exactly as the request's own would.
 */
function authorizedAjax(
  $: JQueryStaticLike,
  tokenUrl: string,
  options: Record<string, unknown>,
  log: CallbackLog,
): JQueryPromiseLike {
  const deferred = $.Deferred();
  const method = String(options.method ?? options.type ?? 'GET').toUpperCase();
  const target = `${method} ${String(options.url)}`;
  const started = performance.now();
  const finish = (xhr: JQueryXhrLike | undefined, failed: boolean) =>
    log.add({
      name: '$authorizedAjax',
      at: started,
      durationMs: performance.now() - started,
      detail: `${target} -> ${xhr?.status ?? 0}`,
      failed,
    });
  $.ajax({ url: tokenUrl, method: 'POST', type: 'POST', dataType: 'json' })
    .done((answer) => {
      const token = (answer as { token?: unknown } | null)?.token;
      const headers = { ...(options.headers as Record<string, string> | undefined), 'X-Auth-Token': String(token) };
      $.ajax({ ...options, headers })
        .done(function (this: unknown, ...args: unknown[]) {
          finish(args[2] as JQueryXhrLike, false);
          deferred.resolveWith(this, args);
        })
        .fail(function (this: unknown, ...args: unknown[]) {
          finish(args[0] as JQueryXhrLike, true);
          deferred.rejectWith(this, args);
        });
    })
    .fail((...args: unknown[]) => {
      log.add({ name: '$authorizedAjax', at: started, detail: `${target}: the token request failed`, failed: true });
      deferred.rejectWith(undefined, args);
    });
  return deferred.promise();
}
