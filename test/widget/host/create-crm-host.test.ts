import { describe, expect, it } from 'vitest';
import type { AmoAjaxOptions, AmoWidget } from '../../../widget/host/amo-types';
import { createCrmHost } from '../../../widget/host/create-crm-host';
import { loadJQuery } from '../harness/untyped-packages';

const $ = loadJQuery();

function widget(overrides: Partial<AmoWidget> = {}): AmoWidget & { calls: AmoAjaxOptions[] } {
  const calls: AmoAjaxOptions[] = [];
  return {
    calls,
    system: () => ({ subdomain: 'fromsystem' }),
    get_settings: () => ({ widget_code: 'wc', channel_link: '{"x":1}' }),
    get_install_status: () => 'not_configured',
    i18n: (key: string) => ({ panel: { title: 'From i18n' } })[key],
    langs: { status: { idle: 'From langs' } },
    $authorizedAjax(options) {
      calls.push(options);
      const deferred = $.Deferred();
      setTimeout(() => deferred.resolve('{"ok":true}', 'success', { status: 200 }), 0);
      return deferred.promise() as never;
    },
    ...overrides,
  };
}

const app = {
  constant: (name: string) => (name === 'account' ? { id: '42', subdomain: 'acme', amojo_id: 'a-b' } : null),
};

describe('createCrmHost', () => {
  it('reads the account from APP, or from the deprecated AMOCRM', () => {
    expect(createCrmHost(widget(), { APP: app }).account()).toEqual({ subdomain: 'acme', amojoId: 'a-b' });
    expect(createCrmHost(widget(), { AMOCRM: app }).account()).toEqual({ subdomain: 'acme', amojoId: 'a-b' });
  });

  it('falls back to system().subdomain and reports a missing amojo id as null', () => {
    const host = createCrmHost(widget(), { APP: { constant: () => ({}) } });
    expect(host.account()).toEqual({ subdomain: 'fromsystem', amojoId: null });
    expect(createCrmHost(widget(), {}).account().amojoId).toBeNull();
  });

  it("reads amoCRM's interface language from APP.lang_id (or AMOCRM's), not from the browser", () => {
    expect(createCrmHost(widget(), { APP: { ...app, lang_id: 'ru' } }).lang()).toBe('ru');
    expect(createCrmHost(widget(), { AMOCRM: { ...app, lang_id: 'pt' } }).lang()).toBe('pt');
    expect(createCrmHost(widget(), { APP: { ...app, lang_id: '' } }).lang()).toBeUndefined();
    expect(createCrmHost(widget(), { APP: app }).lang()).toBeUndefined();
    expect(createCrmHost(widget(), {}).lang()).toBeUndefined();
    // A tag Intl cannot read would throw when the panel formats a date; the language subtag is enough for that.
    expect(createCrmHost(widget(), { APP: { ...app, lang_id: 'ru_RU' } }).lang()).toBe('ru');
    expect(createCrmHost(widget(), { APP: { ...app, lang_id: 'x' } }).lang()).toBeUndefined();
    expect(createCrmHost(widget(), { APP: { ...app, lang_id: 'english' } }).lang()).toBeUndefined();
  });

  it('looks strings up through i18n(section) first, then langs', () => {
    const host = createCrmHost(widget(), {});
    expect(host.text('panel.title')).toBe('From i18n');
    expect(host.text('status.idle')).toBe('From langs');
    expect(host.text('status.nothing')).toBeUndefined();
  });

  it('maps install status and settings', () => {
    const host = createCrmHost(widget(), {});
    expect(host.installStatus()).toBe('not_configured');
    expect(createCrmHost(widget({ get_install_status: () => 'weird' }), {}).installStatus()).toBe('unknown');
    expect(host.widgetCode()).toBe('wc');
    expect(host.savedSetting('channel_link')).toBe('{"x":1}');
  });

  it('sends JSON through $authorizedAjax with jQuery parsing off, and resolves failures instead of rejecting', async () => {
    const w = widget();
    const host = createCrmHost(w, {});
    const answer = await host.request({ method: 'PUT', url: 'https://b/x', body: '{"a":1}' });
    expect(answer).toEqual({ status: 200, body: '{"ok":true}', timedOut: false });
    expect(w.calls[0]).toMatchObject({
      url: 'https://b/x',
      method: 'PUT',
      type: 'PUT',
      data: '{"a":1}',
      contentType: 'application/json',
      dataType: 'text',
      processData: false,
    });
    const failing = widget({
      $authorizedAjax() {
        return $.Deferred().reject({ status: 0 }, 'timeout', '').promise() as never;
      },
    });
    expect(await createCrmHost(failing, {}).request({ method: 'GET', url: 'https://b/x' })).toEqual({
      status: 0,
      body: '',
      timedOut: true,
    });
    const get = widget();
    await createCrmHost(get, {}).request({ method: 'GET', url: 'https://b/x' });
    expect(get.calls[0]).not.toHaveProperty('data');
  });

  it('resolves like a request without an answer when $authorizedAjax throws or returns no Deferred', async () => {
    const noAnswer = { status: 0, body: '', timedOut: false };
    const broken: Array<AmoWidget['$authorizedAjax']> = [
      () => {
        throw new TypeError('$authorizedAjax failed');
      },
      () => undefined as never,
      () => ({}) as never,
      () => Promise.resolve('{"ok":true}') as never,
      () => ({ done: () => ({}) }) as never,
    ];
    for (const $authorizedAjax of broken) {
      const host = createCrmHost(widget({ $authorizedAjax }), {});
      await expect(host.request({ method: 'GET', url: 'https://b/x' })).resolves.toEqual(noAnswer);
    }
  });
});
