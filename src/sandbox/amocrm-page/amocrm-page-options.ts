import type { AmocrmEmulator } from '../amocrm-emulator/create-amocrm-emulator';
import type { AmojoEmulator } from '../amojo-emulator/create-amojo-emulator';
import type { CrmLang, InboxDirectoryResolver, PageLink } from './page-types';

export type AccountDomain = 'amocrm.ru' | 'amocrm.com' | 'kommo.com';

export interface SandboxAccount {
  readonly id: number;
  readonly subdomain: string;
  /** `APP.constant('account').amojo_id`: the account id at amojo (the emulator's connect `account_id`). */
  readonly amojo_id: string;
  /** The account's CRM domain; `iss` of the one-time token is `https://<subdomain>.<domain>`. amocrm.ru by default. */
  readonly domain?: AccountDomain;
  readonly name?: string;
}

export interface SandboxUser {
  readonly id: number;
  readonly name: string;
  /** The user's amojo id; when the emulator knows a manager with this id, the inbox acts as that manager. */
  readonly amojo_id?: string;
  readonly email?: string;
  /** An account administrator (true by default): only admins install the widget and change the channel. */
  readonly isAdmin?: boolean;
}

/**
 * The amoCRM emulator's side of the install protocol: Install sends its widget-install redirect to the backend,
 * Disable its signed disconnect hook, and the user switch keeps its current user in step with the page's. Its
 * pipelines and sources fill the page's pipeline settings, where the widget is added as a lead source.
 */
export type PageAmocrm = Pick<AmocrmEmulator, 'install' | 'uninstall' | 'setCurrentUser'> &
  /** The pipelines and the integration's sources, for the page's pipeline settings (lead_sources). */
  Partial<Pick<AmocrmEmulator, 'listPipelines' | 'listSources'>>;

export interface SandboxIntegration {
  /** AMOCRM_CLIENT_ID, the token's `client_uuid`. */
  readonly clientId: string;
  /** AMOCRM_CLIENT_SECRET: signs the one-time tokens; never leaves the page server. */
  readonly clientSecret: string;
  /** AMOCRM_REDIRECT_URI (or PUBLIC_URL) of the backend; the token's `aud` is its origin. */
  readonly audience: string;
}

/** The parts of the amojo emulator the inbox reads and drives. */
export type InboxEmulator = Pick<
  AmojoEmulator,
  | 'channelId'
  | 'managers'
  | 'listConnections'
  | 'listParticipants'
  | 'listChats'
  | 'getChat'
  | 'listMessages'
  | 'getMessage'
  | 'listTypingEvents'
  | 'listHookDeliveries'
  | 'sendMessage'
  | 'startWriteFirst'
  | 'typing'
  | 'react'
  | 'uninstall'
>;

export interface AmocrmPageOptions {
  /** 0 (the default) picks a free port. */
  readonly port?: number;
  readonly host?: string;
  readonly emulator: InboxEmulator;
  /** The backend origin the widget talks to; the page warns when the built widget names another one. */
  readonly backendUrl: string;
  readonly account: SandboxAccount;
  /** The user the page starts as (the current user until the top bar's switch picks another). */
  readonly user: SandboxUser;
  /** Everyone the top bar's user switch offers, `user` included (added first when missing); just `user` by default. */
  readonly users?: readonly SandboxUser[];
  /**
   * The amoCRM emulator of the same account and users. With it, Install and Disable go through amoCRM's protocol
   * (install redirect, disconnect hook); without it (page-only tests) they only change the page's own state.
   */
  readonly amocrm?: PageAmocrm;
  /**
   * After the install redirect, how long Install waits for the backend to report the installation active before the
   * widget's onSave runs (10 s by default; 0 does not wait). The backend answers the redirect at once and exchanges
   * the code in a job: without the wait the reopened panel could ask before the job is done.
   */
  readonly installWaitMs?: number;
  /**
   * Also awaited (within the same bound) once the installation is active, before onSave runs: the sandbox links its
   * demo numbers then, and the panel reopened after Install should list them rather than a moment before them.
   */
  readonly afterInstall?: () => Promise<unknown>;
  readonly integration: SandboxIntegration;
  /** The uploaded archive (preferred: it is exactly what amoCRM gets). Re-read when the file changes. */
  readonly widgetZip?: string;
  /** Or a directory laid out like the archive root (manifest.json, script.js, i18n/, images/). */
  readonly widgetDir?: string;
  /** amoCRM generates the code at upload; `sandbox_channel_link` by default. */
  readonly widgetCode?: string;
  /** The admin's language when the URL names none; `en` by default. */
  readonly lang?: CrmLang;
  /** Start with the widget installed (skips the Install step). */
  readonly installed?: boolean;
  /**
   * Saved settings values to start with, as if amoCRM held them before the install. The sandbox gives the widget's
   * field the demo messenger's webhook URL this way, so the link form starts filled in.
   */
  readonly savedSettings?: Readonly<Record<string, string>>;
  /** Open the settings modal on load while the widget is not installed, as amoCRM does after an install. */
  readonly openSettingsUntilInstalled?: boolean;
  /** Other pages linked from the settings page's top bar, opened in a new tab (the sandbox's demo messenger). */
  readonly links?: readonly PageLink[];
  readonly now?: () => Date;
  /** Mints `jti`s (random UUIDs by default). */
  readonly newId?: () => string;
  /** How often the inbox asks for the emulator's state; 500 ms by default. */
  readonly inboxPollMs?: number;
  /** amoCRM's side of the inbox's chats (sources, pipelines, bound contacts); see build-inbox-state.ts. */
  readonly inboxDirectory?: InboxDirectoryResolver;
}
