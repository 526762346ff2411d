/**
 * A hand-written widget for the page tests: it records every callback in `window.__calls`, appends a panel to the
 * settings block, gives consent through the hidden custom input (with jQuery's `.trigger('change')`, as
 * integrations/custom_settings.md asks) and exposes `$authorizedAjax` to the test. It loads a relative module, as
 * integrations/script_js.md shows.
 */
export const fakeWidgetScript = `define(['jquery', './lib/helper.js'], function ($, helper) {
  var backendUrl = 'http://127.0.0.1:8080';
  window.__helper = helper.name;
  return function () {
    var self = this;
    var calls = (window.__calls = []);
    window.__widget = self;
    window.__onSave = 'resolve';
    this.callbacks = {
      render: function () { calls.push('render:' + (this === self.callbacks)); return true; },
      init: function () { calls.push('init'); return true; },
      bind_actions: function () { calls.push('bind_actions'); return true; },
      settings: function ($body, context) {
        calls.push('settings:' + self.get_install_status());
        window.__settingsContext = context;
        var input = $body.find('input[name="channel_link"]');
        $body.find('.widget_settings_block').append('<div class="test-panel">' + APP.constant('account').subdomain + '</div>');
        window.__consent = function () { input.val('{"consent":true}').trigger('change'); };
        return true;
      },
      onSave: function (info) {
        calls.push('onSave:' + info.active + ':' + info.fields.channel_link);
        return window.__onSave === 'reject' ? Promise.reject(new Error('backend said no')) : Promise.resolve(true);
      },
      destroy: function () { calls.push('destroy'); },
      onAddAsSource: function (pipelineId) { calls.push('onAddAsSource:' + pipelineId); return true; }
    };
    window.__ajax = function (url) {
      return new Promise(function (resolve) {
        self.$authorizedAjax({ url: url, method: 'GET', type: 'GET', dataType: 'text' })
          .done(function (data, status, xhr) { resolve({ ok: true, data: data, status: xhr.status }); })
          .fail(function (xhr) { resolve({ ok: false, status: xhr.status }); });
      });
    };
    return this;
  };
});
`;

/** The relative dependency, at lib/helper.js in the archive. */
export const fakeHelperModule = `define(function () { return { name: 'helper from the widget folder' }; });\n`;
