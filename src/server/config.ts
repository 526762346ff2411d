import { z } from 'zod/mini';
import {
  EGRESS_SETTING_HINT,
  type EgressSettings,
  isEgressSetting,
  parseEgressSettings,
} from '../egress/egress-settings';
import { DEFAULT_LEASE_MS } from '../relay/create-relay-runner';
import { DEFAULT_LINK_CAP } from '../store/outbox-repo';
import { DEFAULT_DATABASE_URL, parseDatabaseUrl } from '../store/parse-database-url';
import { parseEncryptionKey } from '../store/secret-box';

const optionalText = z.optional(z.string().check(z.trim(), z.minLength(1)));
const url = (protocols: RegExp) =>
  z
    .url({ protocol: protocols, error: 'must be an absolute URL' })
    .check(z.refine((u) => !u.includes('#'), 'must not contain a fragment'));

/** A positive whole number of `unit` with at most `maxDigits` digits, written as text (env values always are). */
const positiveWhole = (unit: string, maxDigits: number) =>
  z.pipe(
    z
      .string()
      .check(
        z.regex(new RegExp(`^\\s*[1-9][0-9]{0,${maxDigits - 1}}\\s*$`), `must be a positive whole number of ${unit}`),
      ),
    z.transform(Number),
  );

const base64Key = z.string().check(
  z.refine((value) => {
    try {
      return parseEncryptionKey(value).length === 32;
    } catch {
      return false;
    }
  }, 'must be exactly 32 bytes in standard base64 (openssl rand -base64 32)'),
);

/**
 * The variables that describe a real channel. Any of them in the environment, even empty, means production was meant:
 * an empty AMOJO_CHANNEL_SECRET (a secret mount that failed) beside a real DATABASE_URL must stop the process, never
 * start the sandbox against that database.
 */
export const PRODUCTION_VARIABLES = [
  'PUBLIC_URL',
  'DATABASE_URL',
  'AMOJO_CHANNEL_ID',
  'AMOJO_CHANNEL_CODE',
  'AMOJO_CHANNEL_SECRET',
  'AMOJO_CHANNEL_SECRET_PREVIOUS',
  'AMOJO_BOT_ID',
  'AMOJO_BOT_NAME',
  'AMOJO_TIME_WINDOW_SECONDS',
  'AMOCRM_CLIENT_ID',
  'AMOCRM_CLIENT_SECRET',
  'AMOCRM_REDIRECT_URI',
  'AMOCRM_API_BASE_URL',
  'DATA_ENCRYPTION_KEY',
  'DATA_ENCRYPTION_KEY_PREVIOUS',
] as const;

/** Jobs one relay worker runs at once (createRelayRunner's default concurrency), the ceiling of RELAY_LINK_CAP. */
const RELAY_SLOTS = 128;

/** What production cannot run without; each one missing or empty is listed. */
const REQUIRED_IN_PRODUCTION = [
  'PUBLIC_URL',
  'AMOJO_CHANNEL_ID',
  'AMOJO_CHANNEL_SECRET',
  'AMOJO_BOT_ID',
  'AMOCRM_CLIENT_ID',
  'AMOCRM_CLIENT_SECRET',
  'AMOCRM_REDIRECT_URI',
  'DATA_ENCRYPTION_KEY',
] as const;

/**
 * Every setting of design.md §4, read once at start-up. `blank` names the variables that were present but empty:
 * parsed as unset, but reported as empty when production needs them, since that is what an operator has to fix.
 */
const envSchema = (sandbox: boolean, blank: ReadonlySet<string>) =>
  z
    .object({
      PORT: z._default(z.coerce.number().check(z.int(), z.gte(0), z.lte(65535)), 8080),
      PUBLIC_URL: z.optional(url(/^https?$/)),
      DATABASE_URL: z._default(
        z.string().check(
          z.superRefine((value, ctx) => {
            const problem = databaseUrlProblem(value);
            if (problem !== undefined) ctx.issues.push({ code: 'custom', message: problem, input: undefined });
          }),
        ),
        DEFAULT_DATABASE_URL,
      ),
      MEDIA_DIR: z._default(z.string().check(z.trim(), z.minLength(1)), './data/media'),
      MEDIA_MAX_BYTES: z._default(positiveWhole('bytes', 11), 50 * 1024 * 1024),
      MEDIA_QUOTA_BYTES: z._default(positiveWhole('bytes', 15), 1024 * 1024 * 1024),
      // Unset: the larger of 1 GiB and 5% of MEDIA_DIR's filesystem (src/media/create-free-space-guard.ts).
      MEDIA_MIN_FREE_BYTES: z.optional(positiveWhole('bytes', 15)),
      AMOJO_CHANNEL_ID: optionalText,
      AMOJO_CHANNEL_CODE: optionalText,
      AMOJO_CHANNEL_SECRET: z.optional(
        z.string().check(z.regex(/^[0-9a-f]{40}$/i, 'must be the 40-hex channel secret')),
      ),
      AMOJO_CHANNEL_SECRET_PREVIOUS: z.optional(
        z.string().check(z.regex(/^[0-9a-f]{40}$/i, 'must be the 40-hex previous channel secret')),
      ),
      AMOJO_BOT_ID: optionalText,
      AMOJO_BOT_NAME: optionalText,
      AMOJO_BASE_URL: z.optional(url(/^https?$/)),
      AMOJO_TIME_WINDOW_SECONDS: z.optional(positiveWhole('seconds', 10)),
      AMOCRM_CLIENT_ID: optionalText,
      AMOCRM_CLIENT_SECRET: optionalText,
      AMOCRM_REDIRECT_URI: z.optional(
        url(/^https?$/).check(
          z.refine((u) => !u.includes('?'), 'must not contain a query (amoCRM adds its own)'),
          // `/` is the backend's own page: the codes amoCRM sends there would never reach the redirect route.
          z.refine((u) => URL.canParse(u) && new URL(u).pathname !== '/', 'must have a path, e.g. /amocrm/oauth'),
        ),
      ),
      AMOCRM_API_BASE_URL: z.optional(url(/^https?$/)),
      DATA_ENCRYPTION_KEY: z.optional(base64Key),
      DATA_ENCRYPTION_KEY_PREVIOUS: z.optional(base64Key),
      // At least 8 days: mirrored files (8 days) and done jobs (7) are kept that long anyway, hooks are capped to it.
      RETENTION_DAYS: z._default(
        z.pipe(positiveWhole('days', 5), z.number().check(z.gte(8, 'must be at least 8 days'))),
        90,
      ),
      // At most the worker's 128 slots: a cap above them would never bind (createRelayRunner's concurrency).
      RELAY_LINK_CAP: z._default(
        z.pipe(
          positiveWhole('jobs', 3),
          z.number().check(z.lte(RELAY_SLOTS, `must be at most ${RELAY_SLOTS}, the worker's slots`)),
        ),
        DEFAULT_LINK_CAP,
      ),
      // At least 5 s: renewed every third of it, a shorter lease runs out under a GC pause or a slow commit. At most
      // 5 min: past that a crashed worker's jobs wait longer than their whole retry backoff.
      RELAY_LEASE_MS: z._default(
        z.pipe(
          positiveWhole('milliseconds', 6),
          z.number().check(z.gte(5000, 'must be at least 5000 ms'), z.lte(300_000, 'must be at most 300000 ms')),
        ),
        DEFAULT_LEASE_MS,
      ),
      // Missed-hook recovery (src/recovery/): chats active this many hours back are read, at most 168 (a week, inside
      // the 8-day floor of RETENTION_DAYS, so a hook we held is never pruned before the window forgets it).
      HOOK_RECOVERY_WINDOW_HOURS: z._default(
        z.pipe(positiveWhole('hours', 3), z.number().check(z.lte(168, 'must be at most 168 hours'))),
        24,
      ),
      HOOK_RECOVERY_MAX_CHATS: z._default(
        z.pipe(positiveWhole('chats', 5), z.number().check(z.lte(10_000, 'must be at most 10000 chats'))),
        200,
      ),
      // 0 turns the periodic sweep off (the start sweep always runs); else 1 min to 1 day.
      HOOK_RECOVERY_EVERY_MS: z._default(
        z.pipe(
          z.pipe(
            z.string().check(z.regex(/^\s*[0-9]{1,8}\s*$/, 'must be a whole number of milliseconds')),
            z.transform(Number),
          ),
          z
            .number()
            .check(z.refine((ms) => ms === 0 || (ms >= 60_000 && ms <= 86_400_000), 'must be 0 or 60000..86400000 ms')),
        ),
        900_000,
      ),
      SANDBOX: z.optional(z.enum(['0', '1'], { error: 'must be 0 or 1' })),
      METRICS_TOKEN: z.optional(z.string().check(z.minLength(16, 'must be at least 16 characters'))),
      EGRESS_ALLOW: z.optional(
        z.string().check(z.refine((v) => isEgressSetting('allow', v), EGRESS_SETTING_HINT.allow)),
      ),
      MEDIA_HOSTS: z.optional(
        z.string().check(z.refine((v) => isEgressSetting('mediaHosts', v), EGRESS_SETTING_HINT.mediaHosts)),
      ),
    })
    .check(
      z.superRefine((env, ctx) => {
        if (sandbox) return;
        for (const name of REQUIRED_IN_PRODUCTION) {
          if (env[name] !== undefined) continue;
          const message = blank.has(name)
            ? 'is empty; it is required outside sandbox mode'
            : 'is required outside sandbox mode';
          ctx.issues.push({ code: 'custom', path: [name], message, input: undefined });
        }
        // Unset means the default SQLite file; empty is a mount that failed, which must not quietly become that file.
        if (blank.has('DATABASE_URL')) {
          const message = `is empty; set it, or leave it unset for ${DEFAULT_DATABASE_URL}`;
          ctx.issues.push({ code: 'custom', path: ['DATABASE_URL'], message, input: undefined });
        }
        // amoCRM sends the code to the redirect URI and refuses plain http for integrations used in several accounts.
        if (env.AMOCRM_REDIRECT_URI?.startsWith('http:')) {
          ctx.issues.push({
            code: 'custom',
            path: ['AMOCRM_REDIRECT_URI'],
            message: 'must be https outside sandbox mode',
            input: env.AMOCRM_REDIRECT_URI,
          });
        }
        // It receives the client secret of every account's token requests: plain http only to this machine (tests).
        if (env.AMOCRM_API_BASE_URL?.startsWith('http:') && !isLoopbackUrl(env.AMOCRM_API_BASE_URL)) {
          ctx.issues.push({
            code: 'custom',
            path: ['AMOCRM_API_BASE_URL'],
            message: 'must be https outside sandbox mode (plain http only to a loopback address)',
            input: env.AMOCRM_API_BASE_URL,
          });
        }
        if (env.PUBLIC_URL?.startsWith('http:')) {
          ctx.issues.push({
            code: 'custom',
            path: ['PUBLIC_URL'],
            message: 'must be https outside sandbox mode',
            input: env.PUBLIC_URL,
          });
        }
      }),
    );

function isLoopbackUrl(value: string): boolean {
  const host = URL.canParse(value) ? new URL(value).hostname : '';
  return host === 'localhost' || host === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** What parseDatabaseUrl, which the store opens with, would refuse, in its own words; it never echoes a password. */
function databaseUrlProblem(url: string): string | undefined {
  try {
    parseDatabaseUrl(url);
    return undefined;
  } catch (error) {
    return (error as Error).message.replace(/^DATABASE_URL:?\s*/, '');
  }
}

/**
 * Sandbox or production, from the environment as given (blanks included): SANDBOX decides when set; otherwise the
 * sandbox only when no production variable is present at all, as in a fresh clone.
 */
export function isSandboxEnv(source: Record<string, string | undefined>): boolean {
  const sandbox = source.SANDBOX?.trim();
  if (sandbox === '1') return true;
  if (sandbox === '0') return false;
  return PRODUCTION_VARIABLES.every((name) => source[name] === undefined);
}

export interface Config {
  sandbox: boolean;
  port: number;
  publicUrl: string | undefined;
  databaseUrl: string;
  /**
   * Files of manager messages, mirrored so the messenger can fetch them later (MEDIA_DIR, MEDIA_MAX_BYTES), at most
   * MEDIA_QUOTA_BYTES per account and none while MEDIA_DIR's filesystem has less than MEDIA_MIN_FREE_BYTES free.
   */
  media: { dir: string; maxBytes: number; quotaBytes: number; minFreeBytes: number | undefined };
  /**
   * Whether MEDIA_DIR was set rather than defaulted: on PostgreSQL an unset MEDIA_DIR keeps media in the database,
   * which every instance reaches (start-backend.ts). Absent counts as set: the disk, as before.
   */
  mediaDirSet?: boolean;
  channel: {
    id: string | undefined;
    code: string | undefined;
    /** Current secret first, then the previous one during a rotation. */
    secrets: string[];
    botId: string | undefined;
    botName: string | undefined;
    /**
     * The channel's time window as registered with amoCRM (AMOJO_TIME_WINDOW_SECONDS): how long after the client's
     * last message a manager message may still be delivered. Undefined: no window.
     */
    timeWindowSeconds?: number | undefined;
  };
  amojoBaseUrl: string | undefined;
  amocrm: {
    clientId: string | undefined;
    clientSecret: string | undefined;
    /** AMOCRM_REDIRECT_URI: amoCRM sends OAuth codes here (its path is the backend's redirect route). */
    redirectUri: string | undefined;
    /** AMOCRM_API_BASE_URL: every account's OAuth and REST host (sandbox, tests); the referer check still runs. */
    apiBaseUrl?: string | undefined;
  };
  /** Standard base64 of 32 bytes, as `createSecretBox` takes it. */
  dataEncryptionKey: string | undefined;
  /** DATA_ENCRYPTION_KEY_PREVIOUS: opens values sealed under the previous key during a rotation (npm run reseal). */
  dataEncryptionKeyPrevious: string | undefined;
  /** RETENTION_DAYS (default 90): dead jobs, messages, conversations and participants idle this long are pruned. */
  retentionDays: number;
  /**
   * RELAY_LINK_CAP (default 16, 1..128): jobs of one link in flight at once across all workers, so one account's
   * backlog or slow webhook never holds every slot (docs/decisions.md, "Fairness across links").
   */
  relayLinkCap: number;
  /**
   * RELAY_LEASE_MS (default 10000, 5000..300000): how long a relay job stays with a worker that stopped renewing it
   * (a crash) before another worker takes it over; renewed every third of it.
   */
  relayLeaseMs: number;
  /**
   * Missed-hook recovery from amojo history (src/recovery/): HOOK_RECOVERY_WINDOW_HOURS (default 24, 1..168),
   * HOOK_RECOVERY_MAX_CHATS per sweep (default 200, 1..10000), HOOK_RECOVERY_EVERY_MS between periodic sweeps
   * (default 900000; 0 = only the sweep after each start).
   */
  hookRecovery: { windowHours: number; maxChats: number; everyMs: number };
  /** METRICS_TOKEN: the Bearer token /metrics requires; undefined leaves /metrics open (the sandbox). */
  metricsToken: string | undefined;
  /** EGRESS_ALLOW and MEDIA_HOSTS (src/egress/egress-settings.ts). */
  egress: EgressSettings;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** @param hint a closing line saying which mode was chosen and why, so a half-set environment is explained. */
  constructor(
    readonly problems: string[],
    hint?: string,
  ) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}${hint ? `\n${hint}` : ''}`);
  }
}

/**
 * Parses the environment or throws a ConfigError listing every problem at once; values never appear in the list.
 * Which mode is meant is decided before parsing (isSandboxEnv): a partial production environment is a list of
 * what is missing, never a fallback to the sandbox.
 */
export function loadConfig(source: Record<string, string | undefined>): Config {
  const sandbox = isSandboxEnv(source);
  const blank = new Set(
    Object.entries(source)
      .filter(([, v]) => v !== undefined && v.trim() === '')
      .map(([name]) => name),
  );
  const present = Object.fromEntries(Object.entries(source).filter(([name, v]) => v !== undefined && !blank.has(name)));
  const parsed = z.safeParse(envSchema(sandbox, blank), present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'} ${issue.message}`),
      sandbox ? undefined : productionHint(source),
    );
  }
  const env = parsed.data;
  return {
    sandbox,
    port: env.PORT,
    publicUrl: env.PUBLIC_URL?.replace(/\/+$/, ''),
    databaseUrl: env.DATABASE_URL,
    media: {
      dir: env.MEDIA_DIR,
      maxBytes: env.MEDIA_MAX_BYTES,
      quotaBytes: env.MEDIA_QUOTA_BYTES,
      minFreeBytes: env.MEDIA_MIN_FREE_BYTES,
    },
    mediaDirSet: present.MEDIA_DIR !== undefined,
    channel: {
      id: env.AMOJO_CHANNEL_ID,
      code: env.AMOJO_CHANNEL_CODE,
      secrets: [env.AMOJO_CHANNEL_SECRET, env.AMOJO_CHANNEL_SECRET_PREVIOUS].filter(
        (s): s is string => s !== undefined,
      ),
      botId: env.AMOJO_BOT_ID,
      botName: env.AMOJO_BOT_NAME,
      timeWindowSeconds: env.AMOJO_TIME_WINDOW_SECONDS,
    },
    amojoBaseUrl: env.AMOJO_BASE_URL,
    amocrm: {
      clientId: env.AMOCRM_CLIENT_ID,
      clientSecret: env.AMOCRM_CLIENT_SECRET,
      redirectUri: env.AMOCRM_REDIRECT_URI,
      apiBaseUrl: env.AMOCRM_API_BASE_URL?.replace(/\/+$/, ''),
    },
    dataEncryptionKey: env.DATA_ENCRYPTION_KEY,
    dataEncryptionKeyPrevious: env.DATA_ENCRYPTION_KEY_PREVIOUS,
    retentionDays: env.RETENTION_DAYS,
    relayLinkCap: env.RELAY_LINK_CAP,
    relayLeaseMs: env.RELAY_LEASE_MS,
    hookRecovery: {
      windowHours: env.HOOK_RECOVERY_WINDOW_HOURS,
      maxChats: env.HOOK_RECOVERY_MAX_CHATS,
      everyMs: env.HOOK_RECOVERY_EVERY_MS,
    },
    metricsToken: env.METRICS_TOKEN,
    egress: parseEgressSettings(env.EGRESS_ALLOW, env.MEDIA_HOSTS),
  };
}

/** Why production mode was chosen: the production variables present (names only), or SANDBOX=0. */
function productionHint(source: Record<string, string | undefined>): string {
  const present = PRODUCTION_VARIABLES.filter((name) => source[name] !== undefined);
  const why = present.length > 0 ? `${present.join(', ')} ${present.length === 1 ? 'is' : 'are'} set` : 'SANDBOX=0';
  return `production mode because ${why}; complete the list above, or set SANDBOX=1 for the offline sandbox.`;
}
