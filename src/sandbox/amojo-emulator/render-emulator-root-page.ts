import { type InfoPageLink, renderInfoPage } from '../../http/render-info-page';

export interface EmulatorRootPageInput {
  readonly channelId: string;
  /** The sandbox's other pages, when the emulator runs in it. */
  readonly links: readonly InfoPageLink[];
}

/** The control API's read-only views, as the README lists them. */
const controlViews: readonly InfoPageLink[] = [
  { label: '/_control/state: everything at once', url: '/_control/state' },
  { label: '/_control/connections: connected accounts (scopes)', url: '/_control/connections' },
  { label: '/_control/participants: clients, managers and the bot', url: '/_control/participants' },
  { label: '/_control/chats: chats with their messages', url: '/_control/chats' },
  { label: '/_control/typing: typing events', url: '/_control/typing' },
  { label: '/_control/hooks: every hook sent to the backend, with its outcome', url: '/_control/hooks' },
  { label: '/_control/misbehave: the failures still queued', url: '/_control/misbehave' },
];

/** The emulator's `/`, with the control API's views to look at. The channel id is shown; the secret never is. */
export function renderEmulatorRootPage(input: EmulatorRootPageInput): string {
  return renderInfoPage({
    name: 'amojo emulator',
    detail: `channel ${input.channelId}`,
    about:
      "A strict stand-in for amoCRM's Chats API (amojo): it checks every signature as amojo does and sends signed " +
      'hooks to the backend. The control API under /_control shows its state and acts as a manager; it is not signed.',
    sections: [
      { heading: 'Control API', links: controlViews },
      { heading: 'The sandbox', links: input.links },
    ],
  });
}
