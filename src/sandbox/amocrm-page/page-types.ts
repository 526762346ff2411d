// Shapes shared by the page server and the browser scripts it serves (type-only on the browser side).

export type CrmLang = 'ru' | 'en' | 'es' | 'pt';

export const crmLangs: readonly CrmLang[] = ['ru', 'en', 'es', 'pt'];

export type InstallStatus = 'install' | 'installed';

/** One field of the manifest's `settings` block. */
export interface SettingsFieldSpec {
  readonly code: string;
  /** The label, already looked up in the current language. */
  readonly label: string;
  readonly type: string;
  readonly required: boolean;
}

export interface PageLink {
  readonly label: string;
  readonly url: string;
}

/** What the widget has saved, kept by the page server so a reload behaves like amoCRM. */
export interface WidgetSettingsState {
  readonly status: InstallStatus;
  readonly settings: Readonly<Record<string, string>>;
}

export interface CrmPageUser {
  readonly id: number;
  readonly name: string;
  readonly amojo_id: string | null;
  readonly email: string;
  readonly is_admin: boolean;
}

/** Everything the emulated amoCRM page needs, embedded in the HTML as JSON. */
export interface CrmPageBootstrap {
  readonly lang: CrmLang;
  readonly langs: readonly CrmLang[];
  readonly theme: 'light' | 'dark';
  readonly account: {
    readonly id: number;
    readonly subdomain: string;
    readonly amojo_id: string;
    readonly name: string;
    readonly domain: string;
  };
  /** The current user (the top bar's switch changes it; the page server keeps the choice). */
  readonly user: CrmPageUser;
  /** Everyone the switch offers, the current user included. */
  readonly users: readonly CrmPageUser[];
  readonly widget: {
    readonly code: string;
    /** `/widgets/<code>`: the base of script.js, i18n/ and images/, as `params.path` tells the widget. */
    readonly path: string;
    readonly version: string;
    readonly clientId: string;
    readonly name: string;
    readonly shortDescription: string;
    /** HTML with the #SUBDOMAIN#-style placeholders already replaced. */
    readonly description: string;
    /** The whole i18n/<lang>.json of the current language. */
    readonly i18n: Record<string, unknown>;
    readonly fields: readonly SettingsFieldSpec[];
    readonly hasScript: boolean;
  };
  readonly saved: WidgetSettingsState;
  /** Open the settings modal on load while the widget is not installed, as amoCRM does after an amoMarket install. */
  readonly openSettingsUntilInstalled: boolean;
  /** Other pages shown in the top bar (the sandbox's demo messenger, say), opened in a new tab. */
  readonly links: readonly PageLink[];
  readonly backendUrl: string;
  /** Problems found on the server (no script.js, a widget built for another backend), shown in a banner. */
  readonly warnings: readonly string[];
  readonly vendor: { readonly requirejs: string; readonly jquery: string };
}

export type InboxDeliveryStatus = 'sent' | 'delivered' | 'read' | 'error';

export interface InboxReaction {
  readonly emoji: string;
  readonly by: 'client' | 'manager';
  readonly userId: string;
  readonly userName: string;
}

export interface InboxButton {
  readonly text: string;
  readonly url?: string;
}

export interface InboxMessage {
  readonly id: string;
  readonly msgid: string | null;
  /** incoming: the client wrote (through our backend); outgoing: a manager, the bot, or an import. */
  readonly direction: 'incoming' | 'outgoing';
  readonly senderName: string;
  readonly type: string;
  readonly text: string;
  readonly media: string | null;
  readonly fileName: string | null;
  readonly buttons: readonly (readonly InboxButton[])[];
  readonly at: number;
  /** Outgoing only: sent until the backend reports 1 delivered, 2 read or -1 error. */
  readonly status: InboxDeliveryStatus | null;
  readonly errorCode: number | null;
  readonly errorText: string | null;
  readonly reactions: readonly InboxReaction[];
  readonly replyTo: { readonly id: string; readonly text: string } | null;
  readonly edited: boolean;
  /** Outgoing messages written here: what became of the hook to the backend. */
  readonly hook: { readonly state: string; readonly detail: string | null } | null;
}

export interface InboxChat {
  readonly id: string;
  readonly scopeId: string;
  readonly clientName: string;
  readonly clientPhone: string | null;
  readonly conversationId: string | null;
  /** A write-first chat the messenger has not answered yet (no conversation id bound). */
  readonly unbound: boolean;
  readonly lastMessage: { readonly text: string; readonly direction: 'incoming' | 'outgoing' } | null;
  readonly lastAt: number;
  readonly clientTyping: boolean;
  /** The chat's source (name null when amoCRM has no source with that external id), its pipeline, its contact. */
  readonly source: { readonly externalId: string; readonly name: string | null } | null;
  readonly pipeline: { readonly id: number; readonly name: string } | null;
  readonly contact: { readonly id: number; readonly name: string } | null;
}

export interface InboxScope {
  readonly scopeId: string;
  readonly accountId: string;
  readonly title: string;
  readonly connected: boolean;
}

export interface InboxState {
  readonly now: number;
  readonly scopes: readonly InboxScope[];
  /** Where write-first starts: the page account's scope when connected, else the first connected one. */
  readonly defaultScopeId: string | null;
  readonly chats: readonly InboxChat[];
  readonly thread: { readonly chat: InboxChat; readonly messages: readonly InboxMessage[] } | null;
  /** The account's sources: the write-first form's "through number" choices. */
  readonly sources: readonly {
    readonly externalId: string;
    readonly name: string;
    readonly pipelineName: string | null;
  }[];
}

export interface InboxBootstrap {
  readonly pollMs: number;
  readonly samplePictureUrl: string;
  readonly managerName: string;
  readonly crmPageUrl: string;
}

/** What `GET /_sandbox/lead-sources` answers: the pipeline settings' view of the account. */
export interface LeadSourcesView {
  readonly pipelines: readonly { readonly id: number; readonly name: string; readonly isMain: boolean }[];
  /** The integration's live sources; `externalId` is the widget's own id for a source (the link id). */
  readonly sources: readonly {
    readonly id: number;
    readonly name: string;
    readonly externalId: string;
    readonly pipelineId: number;
  }[];
}

/**
 * What amoCRM (the amoCRM emulator in the sandbox) holds about the page account's chats: its sources (one per
 * messenger number, `externalId` = the backend's link id), its pipelines, and the contact each amojo chat is bound to.
 * The amojo emulator knows only a chat's `source.external_id`; the names come from here.
 */
export interface InboxDirectory {
  readonly sources: readonly {
    readonly externalId: string;
    readonly name: string;
    /** null: amoCRM's choice, the main pipeline. */
    readonly pipelineId: number | null;
  }[];
  readonly pipelines: readonly { readonly id: number; readonly name: string; readonly isMain: boolean }[];
  /** By amojo chat id. */
  readonly contactsByChat: Readonly<Record<string, { readonly id: number; readonly name: string }>>;
}

/** Reads the directory anew (the inbox polls, so a renamed source or a new binding shows within one poll). */
export type InboxDirectoryResolver = () => Promise<InboxDirectory>;
