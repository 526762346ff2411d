import { createBackendApi } from './api/create-backend-api';
import { createPanelContext, type PanelOpening, settingsFieldCode } from './context';
import type { AmoCallbacks, AmoWidget } from './host/amo-types';
import { createCrmHost } from './host/create-crm-host';
import { loadStylesheet } from './host/load-stylesheet';
import { openSettingsModal } from './host/open-settings-modal';
import { readSourceContext } from './host/read-source-context';
import { type PopupHost, startGrantPopup } from './host/start-grant-popup';
import { mountPanel } from './mount-panel';

export interface WidgetOptions {
  /** The backend origin, fixed at build time (WIDGET_BACKEND_URL). */
  readonly backendUrl: string;
  /** Where `APP` / `AMOCRM` live, and the window that opens amoCRM's access popup: the page's global object. */
  readonly globals: object;
  /** Our support address, fixed at build time from manifest.json. */
  readonly supportEmail?: string;
  readonly now?: () => Date;
}

let panelCounter = 0;

function pageDocument(globals: object): Document | undefined {
  return (globals as { document?: Document }).document;
}

/**
 * The constructor amoCRM expects from the AMD factory (integrations/script_js.md): a plain function, not a class,
 * because the platform calls it on its own `Widget` object and then reads `this.callbacks`.
 */
export function createWidgetConstructor(options: WidgetOptions) {
  const now = options.now ?? (() => new Date());
  const backendOrigin = new URL(options.backendUrl).origin;
  const popups = options.globals as PopupHost;

  return function ChannelLinkWidget(this: AmoWidget): AmoWidget {
    // the callbacks below run with `this` bound to the callbacks object, not the widget
    const widget = this;
    const host = createCrmHost(widget, options.globals);
    let unmount: (() => void) | null = null;
    let save: ((info?: unknown) => Promise<unknown>) | null = null;
    let addNumber: ((pipelineId: number | null) => void) | null = null;
    /** A pipeline the widget was added to as a source while no panel was open: the next panel opens its form. */
    let requested: PanelOpening | undefined;

    function close() {
      unmount?.();
      unmount = null;
      save = null;
      addNumber = null;
    }

    const callbacks: AmoCallbacks = {
      // render, init and bind_actions must return true for the widget to run; none of them calls our backend.
      // render, the first callback, starts loading our style.css in the settings area, the only one with a panel,
      // so that the stylesheet is usually there before the admin opens the settings. It is a static file of our own
      // archive on amoCRM's host, loaded the way the platform docs show.
      render: () => {
        if (widget.system().area === 'settings') loadStylesheet(widget, pageDocument(options.globals));
        return true;
      },
      init: () => true,
      bind_actions: () => true,
      settings($modal_body, context) {
        close();
        // a pipeline's source tile names its number; otherwise a pending onAddAsSource asks for the add form
        const opening = readSourceContext(context) ?? requested;
        requested = undefined;
        const widgetCode = host.widgetCode();
        const modal = openSettingsModal($modal_body, widgetCode, settingsFieldCode);
        if (modal === null) return true;
        // a host that skipped render still gets the styles; markup comes first either way and stays readable with
        // the page's own styles until the sheet arrives, so the panel is on screen within the settings call
        loadStylesheet(widget, modal.body.ownerDocument);
        panelCounter += 1;
        const ctx = createPanelContext({
          host,
          field: modal.field,
          now,
          clipboard: globalThis.navigator?.clipboard,
          idPrefix: `${widgetCode}-channel-link-${panelCounter}`,
          ...(options.supportEmail === undefined ? {} : { supportEmail: options.supportEmail }),
          createApi: (hasConsent) => createBackendApi({ host, baseUrl: options.backendUrl, hasConsent }),
          startGrant: (url, onDone) => startGrantPopup({ host: popups, url, backendOrigin, onDone }),
          opening,
        });
        save = ctx.save;
        addNumber = ctx.addNumber;
        unmount = mountPanel(modal, ctx);
        return true;
      },
      onSave: (info) => (save === null ? Promise.resolve(true) : save(info)),
      destroy: close,
      // The docs name the call and its argument only. Adding a number is the settings panel's job (it needs consent
      // and the admin's webhook URL), so the open panel shows its add form routed to this pipeline, or the next
      // panel opened does. True, like the other callbacks: the return value is undocumented.
      onAddAsSource(pipelineId) {
        const id = Number(pipelineId);
        const pipeline = Number.isSafeInteger(id) && id > 0 ? id : null;
        if (addNumber === null) requested = { kind: 'add', pipelineId: pipeline };
        else addNumber(pipeline);
        return true;
      },
    };
    this.callbacks = callbacks;
    return this;
  };
}
