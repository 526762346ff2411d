import type { CrmPageBootstrap, WidgetSettingsState } from '../page-types';
import { buildSettingsModal, type SettingsModalView } from './build-settings-modal';
import { type CallbackLog, isThenable } from './callback-log';
import type { BaseWidget, WidgetState } from './create-base-widget';
import { errorText, invokeCallback } from './invoke-callback';
import type { JQueryStaticLike } from './jquery-like';
import { measurePanelVisible, type PanelTiming } from './measure-panel-visible';
import { mark, measure } from './perf-marks';
import type { SystemText } from './system-text';
import { tabbableIn, trapFocus } from './trap-focus';

export type SaveOutcome =
  | { readonly saved: true }
  | { readonly saved: false; readonly reason: 'busy' | 'not_open' | 'required_field_empty' | 'unchanged' }
  | {
      readonly saved: false;
      readonly reason: 'install_refused' | 'onSave_rejected' | 'persist_failed';
      readonly error: string;
    };

export interface SettingsControllerDeps {
  readonly boot: CrmPageBootstrap;
  readonly $: JQueryStaticLike;
  readonly widget: BaseWidget;
  readonly state: WidgetState;
  readonly log: CallbackLog;
  readonly text: SystemText;
  /** Stores what Save persisted on the page server, so a reload behaves like amoCRM. */
  readonly persist: (next: WidgetSettingsState) => Promise<void>;
  /** Install's first step, before onSave: amoCRM installs the integration (its redirect to the backend). */
  readonly install: () => Promise<void>;
  readonly onTiming: (timing: PanelTiming | null, settingsCallMs: number | null) => void;
  readonly onStatusChange: () => void;
  /** Where focus goes back to when the modal closes: the widget tile that opens it. */
  readonly returnFocusTo: HTMLElement;
  /** After the modal is gone (closed, saved or disabled): the page refreshes what the widget may have changed. */
  readonly onClosed?: () => void;
}

/**
 * The settings modal's life: open -> settings($modal_body); Save -> onSave; Disable -> onSave + destroy; close ->
 * destroy. While it is open, keyboard focus stays inside it; it starts on the first control and returns to the tile.
 */
export function createSettingsController(deps: SettingsControllerDeps) {
  const { $, widget, state, log, text } = deps;
  let view: SettingsModalView | null = null;
  let dirty = false;
  let busy = false;
  let releaseFocus: () => void = () => {};

  function refreshSaveButton() {
    if (view === null) return;
    const values = view.values();
    const missing = deps.boot.widget.fields.some((field) => field.required && values[field.code] === '');
    const ready = !missing && (state.status === 'install' || dirty);
    // never `disabled` (nor aria-disabled): a click must still reach the widget's own listeners and the page's
    // required-field check, as on amoCRM's button; only the look and `data-ready` change
    view.saveButton.classList.toggle('button-input-disabled', !ready);
    view.saveButton.dataset.ready = String(ready);
  }

  function show(box: 'error' | 'notice', message: string) {
    if (view === null) return;
    view.errorBox.textContent = box === 'error' ? message : '';
    view.noticeBox.textContent = box === 'notice' ? message : '';
  }

  const onKeydown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') close();
  };

  /** `context`: `{source_id, external_id}` when a pipeline's lead-source tile opens the settings (web_sdk/settings.md). */
  function open(context: object = {}) {
    if (view !== null) return;
    dirty = false;
    const current = buildSettingsModal(deps.boot, state, text);
    view = current;
    document.body.append(current.root);
    // jQuery handlers: they see native events and `.trigger('change')` alike, as amoCRM's form does
    $(current.body).on('change input', () => {
      dirty = true;
      refreshSaveButton();
    });
    current.saveButton.addEventListener('click', () => void save());
    current.disableButton?.addEventListener('click', () => void disable());
    current.closeButton.addEventListener('click', close);
    current.overlay.addEventListener('click', close);
    document.addEventListener('keydown', onKeydown);
    refreshSaveButton();
    // lay the modal out before the clock starts: amoCRM's modal is on screen before it calls settings(), so only
    // the widget's own work and layout should count
    current.block.getBoundingClientRect();
    mark('sandbox:settings:start');
    const startedAt = performance.now();
    const outcome = invokeCallback(widget, 'settings', [$(current.body), context], log);
    const settingsCallMs = outcome.kind === 'returned' ? outcome.durationMs : null;
    void measurePanelVisible(current.block, current.systemNodes, startedAt).then((timing) => {
      if (timing !== null) {
        measure('sandbox:settings->visible', startedAt, timing.settingsToVisibleMs);
        log.add({
          name: 'panel visible',
          at: startedAt + timing.settingsToVisibleMs,
          detail: `${timing.settingsToVisibleMs.toFixed(1)} ms after settings() (${timing.visibleOnReturn ? 'rendered synchronously' : 'rendered later'}), next frame at ${timing.settingsToFrameMs.toFixed(1)} ms`,
        });
      }
      deps.onTiming(timing, settingsCallMs);
    });
    // after settings() and the first visibility check (focus lays the page out, which is not the widget's time): the
    // widget's first control takes focus, else the page's own button
    releaseFocus = trapFocus(current.root);
    (tabbableIn(current.block)[0] ?? current.saveButton).focus();
  }

  function remove() {
    if (view === null) return;
    $(view.body).off();
    document.removeEventListener('keydown', onKeydown);
    releaseFocus();
    view.root.remove();
    view = null;
    deps.onClosed?.();
  }

  function close() {
    if (view === null) return;
    invokeCallback(widget, 'destroy', [], log);
    remove();
    deps.returnFocusTo.focus();
  }

  /** onSave may return true or a Promise (web_sdk/settings.md); false or a rejection keeps the modal open. */
  async function runOnSave(info: unknown): Promise<{ ok: true } | { ok: false; error: string }> {
    const outcome = invokeCallback(widget, 'onSave', [info], log);
    if (outcome.kind === 'missing') return { ok: false, error: 'the widget has no onSave callback' };
    if (outcome.kind === 'threw') return { ok: false, error: errorText(outcome.error) };
    if (outcome.value === false) return { ok: false, error: 'onSave returned false' };
    if (!isThenable(outcome.value)) return { ok: true };
    const at = performance.now();
    try {
      await outcome.value;
      log.add({ name: 'onSave', at, detail: 'resolved' });
      return { ok: true };
    } catch (error) {
      log.add({ name: 'onSave', at, detail: `rejected: ${errorText(error)}`, failed: true });
      return { ok: false, error: errorText(error) };
    }
  }

  async function save(): Promise<SaveOutcome> {
    if (view === null) return { saved: false, reason: 'not_open' };
    if (busy) return { saved: false, reason: 'busy' };
    const values = view.values();
    const missing = deps.boot.widget.fields.filter((field) => field.required && values[field.code] === '');
    if (missing.length > 0) {
      show('error', `${text.requiredMissing} ${missing.map((field) => field.label).join(', ')}`);
      return { saved: false, reason: 'required_field_empty' };
    }
    if (state.status === 'installed' && !dirty) return { saved: false, reason: 'unchanged' };
    busy = true;
    show('notice', text.saving);
    try {
      if (state.status === 'install') {
        try {
          await deps.install();
        } catch (error) {
          show('error', errorText(error));
          return { saved: false, reason: 'install_refused', error: errorText(error) };
        }
      }
      const result = await runOnSave({ active: 'Y', fields: values });
      if (!result.ok) {
        show('error', `${text.saveRefused} ${result.error}`);
        return { saved: false, reason: 'onSave_rejected', error: result.error };
      }
      try {
        await deps.persist({ status: 'installed', settings: values });
      } catch (error) {
        show('error', errorText(error));
        return { saved: false, reason: 'persist_failed', error: errorText(error) };
      }
      const wasInstalled = state.status === 'installed';
      state.status = 'installed';
      state.saved = values;
      dirty = false;
      deps.onStatusChange();
      if (wasInstalled) {
        show('notice', text.saved);
        refreshSaveButton();
      } else {
        // after Install the modal comes back in its installed form (Save + Disable), with the panel rebuilt
        close();
        open();
      }
      return { saved: true };
    } finally {
      busy = false;
    }
  }

  /** Disabling calls onSave (with active 'N'), then destroy (web_sdk/settings.md, integrations/script_js.md). */
  async function disable(): Promise<void> {
    if (view === null || busy) return;
    busy = true;
    try {
      const values = view.values();
      await runOnSave({ active: 'N', fields: values });
      await deps.persist({ status: 'install', settings: state.saved });
      state.status = 'install';
      deps.onStatusChange();
      close();
    } finally {
      busy = false;
    }
  }

  return { open, close, save, disable, isOpen: () => view !== null };
}

export type SettingsController = ReturnType<typeof createSettingsController>;
