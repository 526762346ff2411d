import { join } from 'node:path';
import type { SandboxCredentials } from './sandbox-credentials';

// Every production variable (config.ts PRODUCTION_VARIABLES; the test checks they are all covered) and anything naming
// a real channel, integration, key or host: the sandbox has its own, and taking one from the environment would point
// the emulator's traffic at production data. By name here, since the sandbox may not import the server's config.
const IGNORED_PREFIXES = ['AMOJO_', 'AMOCRM_', 'DATA_ENCRYPTION_KEY'];
const IGNORED = new Set(['PUBLIC_URL', 'DATABASE_URL', 'MEDIA_DIR']);

const isIgnored = (name: string) => IGNORED.has(name) || IGNORED_PREFIXES.some((prefix) => name.startsWith(prefix));

/** The names in the environment the sandbox sets aside, sorted, so its start-up line can say so. */
export function ignoredBySandbox(source: Record<string, string | undefined>): string[] {
  return Object.keys(source)
    .filter((name) => source[name] !== undefined && isIgnored(name))
    .sort();
}

/** The environment without what the sandbox ignores: what `npm start` validates before starting the sandbox. */
export function withoutIgnored(source: Record<string, string | undefined>): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(source)) {
    if (value !== undefined && !isIgnored(name)) kept[name] = value;
  }
  return kept;
}

/**
 * The environment loadConfig gets in the sandbox: generated credentials, a database and media folder under `dataDir`,
 * the amoCRM emulator as every account's OAuth and REST host, and only the environment's neutral settings (PORT,
 * MEDIA_MAX_BYTES, METRICS_TOKEN, …). DATABASE_URL, DATA_ENCRYPTION_KEY, PUBLIC_URL, AMOCRM_* and AMOJO_* from the
 * environment are never used.
 */
export function sandboxEnv(
  source: Record<string, string | undefined>,
  credentials: SandboxCredentials,
  at: {
    dataDir: string;
    backendUrl: string;
    backendPort: number;
    amojoUrl: string;
    /** The amoCRM emulator's origin: AMOCRM_API_BASE_URL, so codes are exchanged and accounts read there. */
    amocrmUrl: string;
    /** The backend's redirect route, registered with the emulator as the integration's Redirect URI. */
    redirectUri: string;
  },
): Record<string, string> {
  const {
    SANDBOX_ACCOUNT_AMOJO_ID: _a,
    SANDBOX_USER_AMOJO_ID: _u,
    SANDBOX_MANAGER_AMOJO_ID: _m,
    ...secrets
  } = credentials;
  return {
    ...withoutIgnored(source),
    ...secrets,
    DATABASE_URL: `sqlite:${join(at.dataDir, 'channel.db')}`,
    MEDIA_DIR: join(at.dataDir, 'media'),
    PORT: String(at.backendPort),
    PUBLIC_URL: at.backendUrl,
    SANDBOX: '1',
    AMOJO_BASE_URL: at.amojoUrl,
    AMOCRM_API_BASE_URL: at.amocrmUrl,
    // amoCRM repeats it byte for byte on every token request, so the backend and the emulator take the same string.
    AMOCRM_REDIRECT_URI: at.redirectUri,
    // The demo messenger and the emulator's files live on loopback: opened here, for the sandbox only.
    EGRESS_ALLOW: '127.0.0.0/8,::1/128',
    MEDIA_HOSTS: new URL(at.amojoUrl).hostname,
  };
}
