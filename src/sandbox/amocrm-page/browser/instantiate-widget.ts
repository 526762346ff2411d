import type { BaseWidget } from './create-base-widget';

/**
 * amoCRM's extension step: the factory's constructor runs with the system Widget object as `this` (its prototype
 * here), sets `this.callbacks` and returns `this`. A class would fail, as it does in amoCRM.
 */
export function instantiateWidget(Widget: unknown, base: BaseWidget): BaseWidget {
  if (typeof Widget !== 'function') {
    throw new Error(`script.js must return a constructor function from define(), got ${typeof Widget}`);
  }
  const construct = Widget as (this: BaseWidget) => unknown;
  const Extended = function (this: BaseWidget) {
    const returned = construct.call(this);
    return typeof returned === 'object' && returned !== null ? returned : this;
  } as unknown as new () => BaseWidget;
  Extended.prototype = base;
  const widget = new Extended();
  if (typeof widget.callbacks !== 'object' || widget.callbacks === null) {
    throw new Error('the widget constructor did not set this.callbacks');
  }
  return widget;
}
