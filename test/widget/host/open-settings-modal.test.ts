import { afterEach, describe, expect, it } from 'vitest';
import { openSettingsModal } from '../../../widget/host/open-settings-modal';
import { loadJQuery } from '../harness/untyped-packages';

const $ = loadJQuery();

afterEach(() => {
  document.body.innerHTML = '';
});

describe('openSettingsModal', () => {
  it('finds the settings block and the custom field input by name inside the jQuery modal body', () => {
    document.body.innerHTML =
      '<div class="body"><div class="widget_settings_block"></div><input type="hidden" name="channel_link"></div>';
    const modal = openSettingsModal($('.body'), 'wc', 'channel_link')!;
    expect(modal.mountPoint.className).toBe('widget_settings_block');
    const events: string[] = [];
    document.body.addEventListener('change', (e) => events.push((e.target as HTMLInputElement).value));
    modal.field.write('{"a":1}');
    modal.field.write('{"a":1}');
    expect(modal.field.read()).toBe('{"a":1}');
    expect(events).toEqual(['{"a":1}']);
  });

  it('falls back to #<code>_custom and to the body itself', () => {
    document.body.innerHTML = '<div class="body"></div><input id="wc_custom" value="v">';
    const modal = openSettingsModal(document.querySelector('.body'), 'wc', 'channel_link')!;
    expect(modal.mountPoint).toBe(document.querySelector('.body'));
    expect(modal.field.read()).toBe('v');
  });

  it('copes with no modal and no input', () => {
    expect(openSettingsModal(undefined, 'wc', 'f')).toBeNull();
    document.body.innerHTML = '<div class="body"></div>';
    const modal = openSettingsModal($('.body'), 'wc', 'f')!;
    modal.field.write('x');
    expect(modal.field.read()).toBe('');
  });
});
