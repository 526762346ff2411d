/**
 * The account this widget runs in, read locally without any network call. Its numeric id is not needed here: the
 * backend takes the account from the verified token, never from the widget.
 */
export interface CrmAccount {
  readonly subdomain: string;
  /** `APP.constant('account').amojo_id`; null when chats are not enabled for the account. */
  readonly amojoId: string | null;
}

export type HttpMethod = 'GET' | 'PUT' | 'POST' | 'DELETE';

export interface HostRequest {
  readonly method: HttpMethod;
  readonly url: string;
  readonly body?: string;
}

/** Any HTTP answer; `status` 0 means no answer at all (offline, CORS refusal, timeout). */
export interface HostResponse {
  readonly status: number;
  readonly body: string;
  readonly timedOut: boolean;
}

export type InstallStatus = 'installed' | 'install' | 'not_configured' | 'unknown';

/** The seam between the panel and amoCRM's widget object; tests implement it with a fake. */
export interface CrmHost {
  widgetCode(): string;
  account(): CrmAccount;
  installStatus(): InstallStatus;
  /** amoCRM's interface language (`APP.lang_id`: ru, en, es, pt), or undefined when the page does not say. */
  lang(): string | undefined;
  /** The string at a dotted path in the current language file, or undefined. */
  text(path: string): string | undefined;
  /** The value saved for a settings field, as `get_settings()` returns it. */
  savedSetting(field: string): unknown;
  /** Sends a request through `$authorizedAjax`, which adds the one-time `X-Auth-Token`. Never rejects. */
  request(request: HostRequest): Promise<HostResponse>;
}
