import type { AmoWidget, AmoXhr } from './amo-types';
import type { CrmAccount, CrmHost, HostRequest, HostResponse, InstallStatus } from './crm-host';
import { findAmoApp } from './find-amo-app';

/** Long enough for amojo connect behind the backend, short enough that the admin is not left waiting blind. */
const requestTimeoutMs = 20_000;

function walk(root: unknown, parts: readonly string[]): unknown {
  let node = root;
  for (const part of parts) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

function nonEmptyString(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

function toInstallStatus(value: unknown): InstallStatus {
  return value === 'installed' || value === 'install' || value === 'not_configured' ? value : 'unknown';
}

function toResponse(xhr: AmoXhr | undefined, body: unknown, timedOut: boolean): HostResponse {
  const text = typeof body === 'string' ? body : (xhr?.responseText ?? '');
  return { status: xhr?.status ?? 0, body: text, timedOut };
}

/** Adapts amoCRM's widget object and page globals (`APP` or the deprecated `AMOCRM`) to `CrmHost`. */
export function createCrmHost(widget: AmoWidget, scope: object): CrmHost {
  return {
    widgetCode() {
      const settings = widget.get_settings();
      return nonEmptyString(settings.widget_code) ?? nonEmptyString(widget.params?.widget_code) ?? 'widget';
    },

    account(): CrmAccount {
      const account = findAmoApp(scope)?.constant('account') as Record<string, unknown> | undefined;
      return {
        subdomain: nonEmptyString(account?.subdomain) ?? nonEmptyString(widget.system().subdomain) ?? '',
        amojoId: nonEmptyString(account?.amojo_id),
      };
    },

    installStatus() {
      return toInstallStatus(widget.get_install_status?.());
    },

    lang() {
      // Only the language subtag: a tag Intl cannot read (`ru_RU`, `x`) would make toLocaleString throw in render.
      return /^([a-z]{2,3})(?![a-z])/i.exec(String(findAmoApp(scope)?.lang_id ?? ''))?.[1];
    },

    text(path) {
      const [section = '', ...rest] = path.split('.');
      const viaI18n = walk(widget.i18n(section), rest);
      if (typeof viaI18n === 'string') return viaI18n;
      const viaLangs = walk(widget.langs, [section, ...rest]);
      return typeof viaLangs === 'string' ? viaLangs : undefined;
    },

    savedSetting(field) {
      return widget.get_settings()[field];
    },

    request(request: HostRequest) {
      return new Promise<HostResponse>((resolve) => {
        const fail = (xhr?: AmoXhr, textStatus?: string) =>
          resolve(toResponse(xhr, undefined, textStatus === 'timeout'));
        // A host that throws, or answers without a Deferred, fails like a request that got no answer (status 0):
        // a rejection here would leave the panel waiting for good.
        try {
          const deferred = widget.$authorizedAjax({
            url: request.url,
            // jQuery 2 reads `type`; `method` is its later alias. Both are set so either host version works.
            method: request.method,
            type: request.method,
            // 'text' keeps jQuery from parsing: the body is parsed and validated against the contracts instead.
            dataType: 'text',
            timeout: requestTimeoutMs,
            headers: { Accept: 'application/json' },
            ...(request.body === undefined
              ? {}
              : { data: request.body, contentType: 'application/json', processData: false }),
          });
          deferred.done((data, _textStatus, xhr) => resolve(toResponse(xhr, data, false)));
          deferred.fail(fail);
        } catch {
          fail();
        }
      });
    },
  };
}
