import type { CrmPageBootstrap, SettingsFieldSpec } from '../page-types';
import type { WidgetState } from './create-base-widget';
import { el } from './el';
import type { SystemText } from './system-text';

export interface SettingsModalView {
  readonly root: HTMLElement;
  /** `$modal_body`: what the `settings` callback receives. */
  readonly body: HTMLElement;
  /** `.widget_settings_block`, where widgets append their UI. */
  readonly block: HTMLElement;
  /** The page's own nodes inside the block, told apart from the widget's when timing the panel. */
  readonly systemNodes: ReadonlySet<Element>;
  readonly saveButton: HTMLButtonElement;
  readonly disableButton: HTMLButtonElement | null;
  readonly closeButton: HTMLButtonElement;
  readonly overlay: HTMLElement;
  readonly errorBox: HTMLElement;
  readonly noticeBox: HTMLElement;
  /** The current value of every manifest field, read from the form (the custom one from its hidden input). */
  values(): Record<string, string>;
}

function fieldRow(field: SettingsFieldSpec, widgetCode: string, value: string): HTMLElement {
  if (field.type === 'custom') {
    // integrations/custom_settings.md: a hidden input `#<code>_custom` and a div `#<code>_custom_content`; a
    // required custom field is hidden by default (integrations/script_js.md consent example)
    return el(
      'div',
      {
        class: 'widget_settings_block__item_field',
        'data-field-type': 'custom',
        style: field.required ? 'display:none' : null,
      },
      el('input', { type: 'hidden', name: field.code, id: `${widgetCode}_custom`, value }),
      el('div', { id: `${widgetCode}_custom_content` }),
    );
  }
  const id = `${widgetCode}_field_${field.code}`;
  return el(
    'div',
    { class: 'widget_settings_block__item_field', 'data-field-type': field.type },
    el('label', { class: 'widget_settings_block__title_field', for: id }, field.label, field.required ? ' *' : ''),
    el(
      'div',
      { class: 'widget_settings_block__input_field' },
      el('input', {
        id,
        name: field.code,
        type: field.type === 'pass' ? 'password' : 'text',
        class: 'widget_settings_block__controls__text-input',
        value,
        autocomplete: 'off',
      }),
    ),
  );
}

/** The settings modal with the DOM hooks amoCRM gives widgets (widget-platform.md §3 "Settings modal specifics"). */
export function buildSettingsModal(boot: CrmPageBootstrap, state: WidgetState, text: SystemText): SettingsModalView {
  const { widget } = boot;
  const installed = state.status === 'installed';
  const fields = el(
    'div',
    { class: 'widget_settings_block__fields' },
    ...widget.fields.map((field) => fieldRow(field, widget.code, state.saved[field.code] ?? '')),
  );
  const block = el('div', { class: 'widget_settings_block' }, fields);
  const description = el('div', { class: 'widget-settings__desc-space' });
  // the description is the widget's own i18n HTML, which amoCRM renders as HTML too
  description.innerHTML = widget.description;
  const saveButton = el(
    'button',
    {
      type: 'button',
      class: `button-input ${installed ? 'js-widget-save' : 'js-widget-install'}`,
      'data-testid': 'settings-save',
    },
    installed ? text.save : text.install,
  );
  const disableButton = installed
    ? el(
        'button',
        { type: 'button', class: 'button-input button-cancel js-widget-disable', 'data-testid': 'settings-disable' },
        text.disable,
      )
    : null;
  const errorBox = el('div', { class: 'widget-settings__error', role: 'alert', 'data-testid': 'settings-error' });
  const noticeBox = el('div', { class: 'widget-settings__notice', role: 'status', 'data-testid': 'settings-notice' });
  const closeButton = el(
    'button',
    { type: 'button', class: 'modal-body__close', 'aria-label': text.close, 'data-testid': 'settings-close' },
    '×',
  );
  const body = el(
    'div',
    { class: 'modal-body widget-settings' },
    closeButton,
    el(
      'div',
      { class: 'widget-settings__header' },
      el('img', { class: 'widget-settings__logo', src: `${widget.path}/images/logo_main.png`, alt: '' }),
      el(
        'div',
        {},
        el('h2', { id: 'widget-settings-title', class: 'widget-settings__name' }, widget.name),
        el('p', { class: 'widget-settings__short' }, widget.shortDescription),
        el(
          'p',
          { class: 'widget-settings__meta' },
          `v${widget.version} · `,
          el('span', { 'data-testid': 'settings-status' }, installed ? text.installed : text.notInstalled),
        ),
      ),
    ),
    description,
    block,
    el('div', { class: 'widget_settings_block__controls' }, errorBox, noticeBox, saveButton, disableButton),
  );
  const overlay = el('div', { class: 'modal-overlay', 'data-testid': 'settings-overlay' });
  const root = el(
    'div',
    {
      class: `modal modal-list widget-settings__modal ${widget.code}`,
      role: 'dialog',
      'aria-modal': 'true',
      'aria-labelledby': 'widget-settings-title',
      'data-testid': 'settings-modal',
    },
    overlay,
    el('div', { class: 'modal-scroller' }, body),
  );
  return {
    root,
    body,
    block,
    systemNodes: new Set([fields]),
    saveButton,
    disableButton,
    closeButton,
    overlay,
    errorBox,
    noticeBox,
    values() {
      const inputs = [...body.querySelectorAll<HTMLInputElement>('input[name]')];
      const values: Record<string, string> = {};
      for (const field of widget.fields) values[field.code] = inputs.find((i) => i.name === field.code)?.value ?? '';
      return values;
    },
  };
}
