import type { AmocrmPageOptions, SandboxUser } from './amocrm-page-options';
import type { WidgetSource } from './open-widget-source';
import { type CrmLang, type CrmPageBootstrap, crmLangs, type WidgetSettingsState } from './page-types';
import { lookupI18n, readWidgetI18n, readWidgetManifest } from './read-widget-manifest';

export interface CrmBootstrapInput {
  readonly options: AmocrmPageOptions;
  readonly source: WidgetSource;
  readonly widgetCode: string;
  readonly lang: CrmLang;
  readonly theme: 'light' | 'dark';
  readonly saved: WidgetSettingsState;
  /** Who has the page open now, and everyone the top bar's switch offers. */
  readonly user: SandboxUser & { readonly isAdmin: boolean };
  readonly users: readonly (SandboxUser & { readonly isAdmin: boolean })[];
  readonly vendor: CrmPageBootstrap['vendor'];
}

/** Reads the archive (manifest, the language's i18n file, script.js) and assembles what the page script needs. */
export function buildCrmBootstrap(input: CrmBootstrapInput): CrmPageBootstrap {
  const { options, source, widgetCode, lang } = input;
  const { account } = options;
  const { user } = input;
  const domain = account.domain ?? 'amocrm.ru';
  const emailOf = (of: SandboxUser) => of.email ?? `user${of.id}@${account.subdomain}.example`;
  const email = emailOf(user);
  const warnings: string[] = [];
  const manifestResult = readWidgetManifest(source);
  if (!manifestResult.ok) warnings.push(manifestResult.error);
  const manifest = manifestResult.ok ? manifestResult.manifest : null;
  if (manifest !== null && !manifest.locales.includes(lang)) {
    warnings.push(`manifest.json widget.locale has no "${lang}": amoCRM would show this admin another language`);
  }
  const script = source.read('script.js');
  if (script === null) {
    warnings.push(`no script.js in ${source.origin}: build the widget (npx vite build, then pack it)`);
  } else if (!new TextDecoder().decode(script).includes(options.backendUrl.replace(/\/+$/, ''))) {
    warnings.push(
      `script.js does not name ${options.backendUrl}: it was built for another backend (WIDGET_BACKEND_URL)`,
    );
  }
  const i18n = readWidgetI18n(source, lang);
  const text = (key: string) => lookupI18n(i18n, key);
  const placeholders: Record<string, string> = {
    '#HOST#': `${account.subdomain}.${domain}`,
    '#SUBDOMAIN#': account.subdomain,
    '#LOGIN#': email,
    '#API_HASH#': '',
    '#ACCOUNT_ID#': String(account.id),
    '#USER_ID#': String(user.id),
    '#TOP_LEVEL_DOMAIN#': domain.endsWith('.ru') ? 'ru' : 'com',
  };
  const description = text(manifest?.descriptionKey ?? 'widget.description').replace(
    /#[A-Z_]+#/g,
    (token) => placeholders[token] ?? token,
  );
  return {
    lang,
    langs: crmLangs,
    theme: input.theme,
    account: {
      id: account.id,
      subdomain: account.subdomain,
      amojo_id: account.amojo_id,
      name: account.name ?? account.subdomain,
      domain,
    },
    user: { id: user.id, name: user.name, amojo_id: user.amojo_id ?? null, email, is_admin: user.isAdmin },
    users: input.users.map((other) => ({
      id: other.id,
      name: other.name,
      amojo_id: other.amojo_id ?? null,
      email: emailOf(other),
      is_admin: other.isAdmin,
    })),
    widget: {
      code: widgetCode,
      path: `/widgets/${widgetCode}`,
      version: manifest?.version ?? '0.0.0',
      clientId: options.integration.clientId,
      name: text(manifest?.nameKey ?? 'widget.name'),
      shortDescription: text(manifest?.shortDescriptionKey ?? 'widget.short_description'),
      description,
      i18n,
      fields: (manifest?.fields ?? []).map((field) => ({
        code: field.code,
        label: text(field.nameKey),
        type: field.type,
        required: field.required,
      })),
      hasScript: script !== null,
    },
    saved: input.saved,
    openSettingsUntilInstalled: options.openSettingsUntilInstalled ?? false,
    links: options.links ?? [],
    backendUrl: options.backendUrl,
    warnings,
    vendor: input.vendor,
  };
}
