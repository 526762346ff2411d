import type { AmoAjaxOptions, AmoCallbacks, AmoDeferred, AmoWidget, AmoXhr } from '../../../widget/host/amo-types';
import { type FakeAccount, type FakeLinkBackend, fakeToken } from './fake-link-backend';

/** The bits of jQuery the fake page uses: the page's own copy, as amoCRM pages have one. */
export interface JQueryLike {
  (selector: Element | string): ArrayLike<Element>;
  Deferred(): JQueryDeferredLike;
}

export interface JQueryDeferredLike {
  resolve(...args: unknown[]): JQueryDeferredLike;
  reject(...args: unknown[]): JQueryDeferredLike;
  promise(): AmoDeferred;
}

export type InstallStatus = 'installed' | 'install' | 'not_configured';

export interface FakeAmoPageOptions {
  readonly window: Window & typeof globalThis;
  readonly $: JQueryLike;
  readonly backend: FakeLinkBackend;
  readonly account: FakeAccount;
  /** The parsed i18n/<lang>.json of the admin's language. */
  readonly langs: Record<string, unknown>;
  readonly lang: 'ru' | 'en' | 'es' | 'pt';
  readonly widgetCode?: string;
  readonly fieldCode?: string;
  /** Put the account constants on the deprecated `AMOCRM` global instead of `APP`. */
  readonly legacyGlobal?: boolean;
  readonly installStatus?: InstallStatus;
  /** What get_settings() returns besides the metadata, i.e. what the last Save persisted. */
  readonly saved?: Record<string, unknown>;
  /** Account constants override, e.g. to drop amojo_id. */
  readonly accountConstant?: Record<string, unknown>;
  /** Where the archive's files are served (`get_settings().path`); amoCRM's is `/widgets/<code>`. */
  readonly path?: string;
  /** `system().area`: where the widget runs now; the settings modal's is `settings`. */
  readonly area?: string;
}

export interface SaveOutcome {
  readonly saved: boolean;
  readonly reason?: 'required_field_empty' | 'onSave_rejected';
  readonly result?: unknown;
  readonly error?: unknown;
}

export interface OpenModal {
  readonly root: HTMLElement;
  readonly body: HTMLElement;
  readonly customInput: HTMLInputElement;
  readonly saveButton: HTMLButtonElement;
}

/**
 * What amoCRM gives a widget, reproduced from the platform docs: the `APP` (or `AMOCRM`) constants, a base Widget
 * object with system(), get_settings(), i18n(), langs and $authorizedAjax (a jQuery Deferred that adds a fresh
 * one-time X-Auth-Token), and the settings modal DOM with the custom field's hidden input and a Save button that
 * refuses while a required field is empty, then calls onSave and persists the field when its Promise resolves.
 */
export class FakeAmoPage {
  readonly widgetCode: string;
  readonly fieldCode: string;
  readonly ajaxCalls: AmoAjaxOptions[] = [];
  saved: Record<string, unknown>;
  installStatus: InstallStatus;
  modal: OpenModal | null = null;
  private jti = 0;

  constructor(readonly options: FakeAmoPageOptions) {
    this.widgetCode = options.widgetCode ?? 'channel_link_test';
    this.fieldCode = options.fieldCode ?? 'channel_link';
    this.saved = { ...options.saved };
    this.installStatus = options.installStatus ?? 'installed';
    const { account } = options;
    const constants: Record<string, unknown> = {
      account: options.accountConstant ?? { id: account.id, subdomain: account.subdomain, amojo_id: account.amojoId },
      user: { id: 7, amojo_id: 'c0ffee00-0000-4000-8000-000000000007' },
    };
    const app = { lang_id: options.lang, constant: (name: string) => constants[name] };
    Reflect.set(options.window, options.legacyGlobal === true ? 'AMOCRM' : 'APP', app);
  }

  /** The system Widget object amoCRM extends with the widget's constructor. */
  baseWidget(): AmoWidget {
    const { langs, account, area = 'settings' } = this.options;
    const path = this.options.path ?? `/widgets/${this.widgetCode}`;
    return {
      system: () => ({ area, amouser_id: '7', amouser: 'admin@example.com', subdomain: account.subdomain }),
      get_settings: () => ({
        widget_code: this.widgetCode,
        path,
        version: '0.1.0',
        ...this.saved,
      }),
      get_install_status: () => this.installStatus,
      get_version: () => '0.1.0',
      i18n: (key: string) => langs[key],
      langs,
      params: { widget_code: this.widgetCode, path },
      $authorizedAjax: (options: AmoAjaxOptions) => this.authorizedAjax(options),
    };
  }

  /** amoCRM's extension step: the constructor runs with the base Widget as `this` (classic prototype extension). */
  instantiate(widgetConstructor: (this: AmoWidget) => AmoWidget): AmoWidget & { callbacks: AmoCallbacks } {
    const Extended = function (this: AmoWidget) {
      return widgetConstructor.call(this);
    } as unknown as new () => AmoWidget;
    Extended.prototype = this.baseWidget();
    const widget = new Extended();
    if (widget.callbacks === undefined) throw new Error('the widget constructor did not set this.callbacks');
    return widget as AmoWidget & { callbacks: AmoCallbacks };
  }

  /**
   * Builds the settings modal the way amoCRM lays it out and calls `settings($modal_body, context)`; `context` is
   * `{source_id, external_id}` when opened from a pipeline's lead-source tile (web_sdk/settings.md).
   */
  openSettings(widget: { callbacks: AmoCallbacks }, context: object = {}): OpenModal {
    const doc = this.options.window.document;
    const root = doc.createElement('div');
    root.className = `modal modal-list widget-settings__modal ${this.widgetCode}`;
    root.innerHTML = `
      <div class="modal-body">
        <div class="widget_settings_block">
          <div class="widget_settings_block__fields">
            <div class="widget_settings_block__item_field" style="display:none">
              <input type="hidden" name="${this.fieldCode}" id="${this.widgetCode}_custom" value="">
              <div id="${this.widgetCode}_custom_content"></div>
            </div>
          </div>
        </div>
        <div class="widget_settings_block__controls">
          <button type="button" class="button-input js-widget-save" disabled>Save</button>
        </div>
      </div>`;
    doc.body.appendChild(root);
    const body = root.querySelector<HTMLElement>('.modal-body')!;
    const customInput = root.querySelector<HTMLInputElement>(`input[name="${this.fieldCode}"]`)!;
    const savedValue = this.saved[this.fieldCode];
    customInput.value = typeof savedValue === 'string' ? savedValue : '';
    const saveButton = root.querySelector<HTMLButtonElement>('.js-widget-save')!;
    // the form enables Save once something changed, as the system's settings form does
    root.addEventListener('change', () => {
      saveButton.disabled = false;
    });
    this.modal = { root, body, customInput, saveButton };
    widget.callbacks.settings(this.options.$(body), context);
    return this.modal;
  }

  /** A click on Save: refused while the required custom field is empty, otherwise onSave decides. */
  async clickSave(widget: { callbacks: AmoCallbacks }, info: unknown = { active: 'Y' }): Promise<SaveOutcome> {
    const modal = this.modal;
    if (modal === null) throw new Error('no settings modal is open');
    modal.saveButton.dispatchEvent(new this.options.window.MouseEvent('click', { bubbles: true }));
    if (modal.customInput.value === '') return { saved: false, reason: 'required_field_empty' };
    try {
      const result = await widget.callbacks.onSave(info);
      this.saved = { ...this.saved, [this.fieldCode]: modal.customInput.value };
      if (this.installStatus !== 'installed') this.installStatus = 'installed';
      return { saved: true, result };
    } catch (error) {
      return { saved: false, reason: 'onSave_rejected', error };
    }
  }

  closeSettings(): void {
    this.modal?.root.remove();
    this.modal = null;
  }

  private authorizedAjax(options: AmoAjaxOptions) {
    this.ajaxCalls.push(options);
    const deferred = this.options.$.Deferred();
    const url = new URL(options.url);
    this.jti += 1;
    const headers: Record<string, string | undefined> = {
      'x-auth-token': fakeToken(this.options.account.id, `jti-${this.jti}`),
      'content-type': options.contentType,
    };
    void this.options.backend
      .handle({ method: options.method, path: url.pathname, headers, body: options.data })
      .then((response) => {
        const xhr: AmoXhr = { status: response.status, responseText: response.body };
        if (response.status >= 200 && response.status < 300) deferred.resolve(response.body, 'success', xhr);
        else deferred.reject(xhr, response.timedOut === true ? 'timeout' : 'error', '');
      });
    return deferred.promise();
  }
}
