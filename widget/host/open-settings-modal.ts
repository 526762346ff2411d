import type { ElementList } from './amo-types';
import type { SettingsField } from './settings-field';

/** The parts of amoCRM's settings modal the panel touches. */
export interface SettingsModal {
  /** The modal body passed to the `settings` callback. */
  readonly body: HTMLElement;
  /** Where the panel is appended: `.widget_settings_block` when present (the documented spot), else the body. */
  readonly mountPoint: HTMLElement;
  readonly field: SettingsField;
}

function firstElement(value: unknown): HTMLElement | null {
  const candidate =
    typeof value === 'object' && value !== null && 'length' in value ? (value as ElementList)[0] : value;
  return typeof candidate === 'object' && candidate !== null && 'querySelector' in candidate
    ? (candidate as HTMLElement)
    : null;
}

function createHiddenInputField(input: HTMLInputElement | null): SettingsField {
  return {
    read: () => input?.value ?? '',
    write(value) {
      if (input === null || input.value === value) return;
      input.value = value;
      // A bubbling native event reaches both direct and delegated jQuery handlers, which is how the modal's form
      // notices the change and enables Save (integrations/custom_settings.md asks for a `change` on this input).
      const EventCtor = input.ownerDocument.defaultView?.Event ?? Event;
      input.dispatchEvent(new EventCtor('change', { bubbles: true }));
    },
  };
}

/**
 * Finds the modal pieces from the `$modal_body` jQuery object (or a bare element). The custom field's hidden input is
 * `input[name="<field>"]` inside the modal, or `#<widget_code>_custom` as integrations/custom_settings.md names it.
 */
export function openSettingsModal(modalBody: unknown, widgetCode: string, fieldCode: string): SettingsModal | null {
  const body = firstElement(modalBody);
  if (body === null) return null;
  const found =
    body.querySelector(`input[name="${fieldCode}"]`) ?? body.ownerDocument.getElementById(`${widgetCode}_custom`);
  return {
    body,
    mountPoint: body.querySelector<HTMLElement>('.widget_settings_block') ?? body,
    field: createHiddenInputField(found?.tagName === 'INPUT' ? (found as HTMLInputElement) : null),
  };
}
