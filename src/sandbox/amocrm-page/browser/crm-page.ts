import type { CrmPageBootstrap, LeadSourcesView, WidgetSettingsState } from '../page-types';
import { createCallbackLog } from './callback-log';
import { createAppGlobal } from './create-app-global';
import { type BaseWidget, createBaseWidget, type WidgetState } from './create-base-widget';
import { createSettingsController, type SaveOutcome, type SettingsController } from './create-settings-controller';
import { byId, el, readBootstrap } from './el';
import { instantiateWidget } from './instantiate-widget';
import { invokeCallback } from './invoke-callback';
import { type JQueryStaticLike, pageRequireJs } from './jquery-like';
import { applyTheme, wireToolbar } from './page-toolbar';
import { systemText } from './system-text';
import { wireLeadSources } from './wire-lead-sources';
import { wireUserSwitch } from './wire-user-switch';

/** What tests and people can reach from the console: `window.__sandbox`. */
interface SandboxApi {
  ready: Promise<void>;
  loaded: boolean;
  /** Set when the widget could not load or start. */
  error: string | null;
  /** What the server found wrong with the archive (also shown in the page's banner). */
  warnings: readonly string[];
  widget: BaseWidget | null;
  log: readonly unknown[];
  settingsCallMs: number | null;
  settingsToVisibleMs: number | null;
  settingsToFrameMs: number | null;
  /** Whether the panel was on the page as soon as settings() returned. */
  panelVisibleOnReturn: boolean | null;
  openSettings(): void;
  closeSettings(): void;
  save(): Promise<SaveOutcome>;
  disable(): Promise<void>;
  installStatus(): string;
  setTheme(theme: 'light' | 'dark'): void;
  /** The pipeline settings: adds the widget as a source of this pipeline (onAddAsSource, then the settings). */
  addAsSource(pipelineId: number): void;
  /** Opens the settings from the source tile whose external_id is this (the widget's link id). */
  openSource(externalId: string): boolean;
  refreshLeadSources(): Promise<LeadSourcesView>;
}

const boot = readBootstrap<CrmPageBootstrap>();
const text = systemText(boot.lang);
const app = createAppGlobal(boot);
// `APP` is the supported global; `AMOCRM` its deprecated twin, still read by older widgets
Reflect.set(window, 'APP', app);
Reflect.set(window, 'AMOCRM', app);

const log = createCallbackLog(byId('callback-log'));
const state: WidgetState = { status: boot.saved.status, saved: { ...boot.saved.settings }, local: {} };
const tile = byId<HTMLButtonElement>('widget-tile');
const statusLabel = byId('widget-status');
const pageError = byId('page-error');
let controller: SettingsController | null = null;

function showStatus() {
  statusLabel.textContent = state.status === 'installed' ? text.installed : text.notInstalled;
  statusLabel.dataset.status = state.status;
}

/** A banner line and a log entry; `error` marks the widget as not running (warnings leave it alone). */
function report(message: string, kind: 'error' | 'warning') {
  pageError.append(el('p', {}, message));
  pageError.hidden = false;
  if (kind === 'error') sandbox.error = message;
  log.add({ name: 'page', at: performance.now(), detail: message, failed: true });
}

function fail(message: string) {
  report(message, 'error');
}

let markReady: () => void = () => {};
const sandbox: SandboxApi = {
  ready: new Promise<void>((resolve) => {
    markReady = resolve;
  }),
  loaded: false,
  error: null,
  warnings: boot.warnings,
  widget: null,
  log: log.entries,
  settingsCallMs: null,
  settingsToVisibleMs: null,
  settingsToFrameMs: null,
  panelVisibleOnReturn: null,
  openSettings: () => controller?.open(),
  closeSettings: () => controller?.close(),
  save: () => controller?.save() ?? Promise.resolve({ saved: false, reason: 'not_open' }),
  disable: () => controller?.disable() ?? Promise.resolve(),
  installStatus: () => state.status,
  setTheme: applyTheme,
  addAsSource: (pipelineId) => leadSourceActions?.addAsSource(pipelineId),
  openSource(externalId) {
    const source = leadSources?.view().sources.find((s) => s.externalId === externalId);
    if (source !== undefined) leadSourceActions?.openSource(source);
    return source !== undefined;
  },
  refreshLeadSources: async () => {
    await leadSources?.refresh();
    return leadSources?.view() ?? { pipelines: [], sources: [] };
  },
};
let leadSources: ReturnType<typeof wireLeadSources> | null = null;
let leadSourceActions: Pick<Parameters<typeof wireLeadSources>[2], 'addAsSource' | 'openSource'> | null = null;
Reflect.set(window, '__sandbox', sandbox);

/** Stores what Save persisted on the page server (jQuery, as the page has no other transport it can count on). */
function persistWith($: JQueryStaticLike) {
  return (next: WidgetSettingsState) =>
    new Promise<void>((resolve, reject) => {
      $.ajax({
        url: '/_sandbox/widget-settings',
        method: 'PUT',
        type: 'PUT',
        contentType: 'application/json',
        data: JSON.stringify(next),
        dataType: 'json',
      })
        .done(() => resolve())
        .fail((xhr) => {
          const status = (xhr as { status?: number } | undefined)?.status ?? 0;
          reject(new Error(`the page server did not store the settings (HTTP ${status})`));
        });
    });
}

/** Install's first step: the page server has the amoCRM emulator send its install redirect to the backend. */
function installWith($: JQueryStaticLike) {
  return () =>
    new Promise<void>((resolve, reject) => {
      $.ajax({ url: '/_sandbox/install', method: 'POST', type: 'POST', dataType: 'json' })
        .done(() => resolve())
        .fail((xhr) => {
          const answer = xhr as { status?: number; responseJSON?: { error?: unknown } } | undefined;
          const error = answer?.responseJSON?.error;
          reject(new Error(typeof error === 'string' ? error : `amoCRM did not install (HTTP ${answer?.status ?? 0})`));
        });
    });
}

function start($: JQueryStaticLike, Widget: unknown) {
  const base = createBaseWidget({ boot, $, state, log, tokenUrl: '/_sandbox/token' });
  const widget = instantiateWidget(Widget, base);
  sandbox.widget = widget;
  log.add({ name: 'script.js', at: performance.now(), detail: `loaded (jQuery ${$.fn.jquery})` });
  // render first; init and bind_actions run only when it returns true (integrations/script_js.md, areas.md)
  const rendered = invokeCallback(widget, 'render', [], log);
  if (rendered.kind === 'returned' && rendered.value === true) {
    invokeCallback(widget, 'init', [], log);
    invokeCallback(widget, 'bind_actions', [], log);
  } else {
    log.add({
      name: 'page',
      at: performance.now(),
      detail: 'render did not return true: init and bind_actions skipped',
      failed: true,
    });
  }
  controller = createSettingsController({
    boot,
    $,
    widget,
    state,
    log,
    text,
    persist: persistWith($),
    install: installWith($),
    onTiming(timing, settingsCallMs) {
      sandbox.settingsCallMs = settingsCallMs;
      sandbox.settingsToVisibleMs = timing?.settingsToVisibleMs ?? null;
      sandbox.settingsToFrameMs = timing?.settingsToFrameMs ?? null;
      sandbox.panelVisibleOnReturn = timing?.visibleOnReturn ?? null;
    },
    onStatusChange: showStatus,
    returnFocusTo: tile,
    // a save may have added, renamed or unlinked numbers, and the backend syncs their sources in a job
    onClosed: () => void leadSources?.refresh(),
  });
  leadSourceActions = {
    // amoCRM says nothing on what follows; the sandbox then opens the widget's settings, where adding happens
    addAsSource(pipelineId) {
      invokeCallback(widget, 'onAddAsSource', [pipelineId], log);
      controller?.open();
    },
    openSource: (source) => controller?.open({ source_id: source.id, external_id: source.externalId }),
  };
  leadSources = wireLeadSources(byId('lead-sources'), byId('lead-sources-refresh'), {
    load: () =>
      new Promise<LeadSourcesView>((resolve) => {
        $.ajax({ url: '/_sandbox/lead-sources', method: 'GET', type: 'GET', dataType: 'json' })
          .done((data) => resolve(data as LeadSourcesView))
          .fail(() => resolve({ pipelines: [], sources: [] }));
      }),
    ...leadSourceActions,
  });
  void leadSources.refresh();
  tile.disabled = false;
  tile.addEventListener('click', () => controller?.open());
  sandbox.loaded = true;
  // amoCRM opens the settings right after an install from amoMarket; the sandbox does so while not yet installed
  const autoOpen = boot.openSettingsUntilInstalled && state.status === 'install';
  if (autoOpen || new URL(location.href).searchParams.get('settings') === 'open') controller.open();
}

wireToolbar(boot.lang, byId<HTMLSelectElement>('lang-select'), byId<HTMLInputElement>('theme-toggle'));
wireUserSwitch(byId<HTMLSelectElement>('user-select'), (message) => report(message, 'warning'));
showStatus();
for (const warning of boot.warnings) report(warning, 'warning');

const requirejs = pageRequireJs();
requirejs.config({
  paths: { jquery: boot.vendor.jquery.replace(/\.js$/, '') },
  // amoCRM adds the manifest version to widget URLs so a new upload is never served stale
  urlArgs: `v=${encodeURIComponent(boot.widget.version)}`,
  waitSeconds: 20,
});
if (boot.widget.hasScript) {
  requirejs(
    ['jquery', `${boot.widget.path}/script.js`],
    (...modules: unknown[]) => {
      try {
        start(modules[0] as JQueryStaticLike, modules[1]);
      } catch (error) {
        fail(`The widget could not start: ${error instanceof Error ? error.message : String(error)}`);
      }
      markReady();
    },
    (error: unknown) => {
      fail(`RequireJS could not load script.js: ${error instanceof Error ? error.message : String(error)}`);
      markReady();
    },
  );
} else {
  markReady();
}
