import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod/mini';

/** The link credentials the admin copies from the widget panel, and where our bridge API is. */
export interface DemoSettings {
  bridgeUrl?: string;
  apiKey?: string;
  signingSecret?: string;
}

const secretText = z.string().check(z.maxLength(512));

/**
 * `PUT /api/settings`: every field optional; an empty string clears it. `credentials` is any pasted text holding the
 * API key and/or the signing secret (found by their `ck_` / `cs_` prefixes); a field given by name wins over it.
 */
export const settingsPatch = z.strictObject({
  bridgeUrl: z.optional(z.union([z.literal(''), z.url({ protocol: /^https?$/ })])),
  apiKey: z.optional(secretText),
  signingSecret: z.optional(secretText),
  credentials: z.optional(z.string().check(z.maxLength(4096))),
});

export type SettingsPatch = z.infer<typeof settingsPatch>;

/** The fields the store keeps, as a patch names them. */
export type SettingsFields = Omit<SettingsPatch, 'credentials'>;

const settingsFile = z.object({
  bridgeUrl: z.exactOptional(z.string()),
  apiKey: z.exactOptional(z.string()),
  signingSecret: z.exactOptional(z.string()),
});

export interface SettingsStore {
  get(): DemoSettings;
  /** What `update(patch)` would leave, without changing anything (to check it first). */
  preview(patch: SettingsFields): DemoSettings;
  update(patch: SettingsFields): DemoSettings;
}

/** Origin plus path, without a trailing slash, so bridge paths can be appended. */
function normalizeBridgeUrl(value: string): string {
  const url = new URL(value.trim());
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

function load(dataFile: string): DemoSettings {
  if (!existsSync(dataFile)) return {};
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(dataFile, 'utf8'));
  } catch {
    json = undefined;
  }
  const parsed = z.safeParse(settingsFile, json);
  if (!parsed.success) throw new Error(`${dataFile} is not a demo messenger settings file; delete it to start over`);
  return parsed.data;
}

function save(dataFile: string, settings: DemoSettings): void {
  mkdirSync(dirname(dataFile), { recursive: true });
  // Written aside and renamed, so a crash mid-write never leaves half a file; owner-only since it holds secrets.
  const temporary = `${dataFile}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, dataFile);
}

function applyField(target: DemoSettings, key: keyof DemoSettings, value: string | undefined): void {
  if (value === undefined) return;
  const trimmed = value.trim();
  if (trimmed === '') delete target[key];
  else target[key] = key === 'bridgeUrl' ? normalizeBridgeUrl(trimmed) : trimmed;
}

/**
 * Settings in memory, mirrored to `dataFile` when given so a restart keeps them. A `bridgeUrl` passed by whoever
 * starts the messenger wins over the file's: that caller knows where the backend listens now.
 */
export function openSettingsStore(options: { dataFile?: string | undefined; bridgeUrl?: string | undefined }) {
  const current: DemoSettings = options.dataFile === undefined ? {} : load(options.dataFile);
  if (options.bridgeUrl !== undefined) current.bridgeUrl = normalizeBridgeUrl(options.bridgeUrl);

  const apply = (target: DemoSettings, patch: SettingsFields) => {
    applyField(target, 'bridgeUrl', patch.bridgeUrl);
    applyField(target, 'apiKey', patch.apiKey);
    applyField(target, 'signingSecret', patch.signingSecret);
    return target;
  };
  const store: SettingsStore = {
    get: () => ({ ...current }),
    preview: (patch) => apply({ ...current }, patch),
    update(patch) {
      apply(current, patch);
      if (options.dataFile !== undefined) save(options.dataFile, current);
      return { ...current };
    },
  };
  return store;
}

/** The first characters of a secret, enough for the admin to recognise which one is set (never over a quarter). */
export function secretHint(value: string | undefined): string | null {
  return value === undefined ? null : `${value.slice(0, Math.min(6, Math.floor(value.length / 4)))}…`;
}
