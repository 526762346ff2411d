import { type InfoPageLink, renderInfoPage } from '../../http/render-info-page';

export interface EmulatorRootPageInput {
  readonly clientId: string;
  /** The sandbox's other pages, when the emulator runs in it. */
  readonly links: readonly InfoPageLink[];
}

const controlViews: readonly InfoPageLink[] = [
  { label: '/_control/state: everything at once', url: '/_control/state' },
  { label: '/_control/accounts: accounts, installed or not, and who is signed in', url: '/_control/accounts' },
  { label: '/_control/hooks: install redirects and disconnect hooks sent to the backend', url: '/_control/hooks' },
  { label: '/_control/stats: grants, refusals and API calls', url: '/_control/stats' },
  { label: '/_control/faults: the misbehaviour switched on', url: '/_control/faults' },
  { label: "/_control/sources: the integration's sources, deleted ones marked", url: '/_control/sources' },
  { label: '/_control/pipelines: pipelines and their statuses', url: '/_control/pipelines' },
  { label: '/_control/contacts: contacts the search finds', url: '/_control/contacts' },
  { label: '/_control/chat-bindings: chats bound to contacts', url: '/_control/chat-bindings' },
];

/** The emulator's `/`: what answers here, the popup link, and the control API's views. The secret is never shown. */
export function renderEmulatorRootPage(input: EmulatorRootPageInput): string {
  const popup = `/oauth?${new URLSearchParams({ client_id: input.clientId, state: 'from-root-page', mode: 'popup' })}`;
  return renderInfoPage({
    name: 'amoCRM emulator',
    detail: `integration ${input.clientId}`,
    about:
      "A strict stand-in for amoCRM's OAuth and REST API for one integration: POST /oauth2/access_token (both " +
      'grants), GET /api/v4/account, GET /api/v4/users/{id}, /api/v4/sources, GET /api/v4/leads/pipelines, ' +
      'GET /api/v4/contacts, /api/v4/contacts/chats, and the access popup at GET /oauth. It calls the ' +
      'backend as amoCRM does: the widget-install redirect and the signed disconnect hook. The control API under ' +
      '/_control installs, uninstalls, switches users and injects faults; it is not authenticated.',
    sections: [
      { heading: 'OAuth', links: [{ label: 'The access popup (Allow / Deny)', url: popup }] },
      { heading: 'Control API', links: controlViews },
      { heading: 'The sandbox', links: input.links },
    ],
  });
}
