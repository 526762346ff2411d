import { z } from 'zod/mini';
import { parseDatabaseUrl } from '../store/parse-database-url';
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
 * Every setting of design.md §4, read once at start-up. Sandbox mode is the default when no channel
 * secret is set; outside it, everything a real channel needs is required.
 */
const envSchema = z
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
      'sqlite:./data/channel.db',
    ),
    MEDIA_DIR: z._default(z.string().check(z.trim(), z.minLength(1)), './data/media'),
    MEDIA_MAX_BYTES: z._default(positiveWhole('bytes', 11), 50 * 1024 * 1024),
    AMOJO_CHANNEL_ID: optionalText,
    AMOJO_CHANNEL_CODE: optionalText,
    AMOJO_CHANNEL_SECRET: z.optional(z.string().check(z.regex(/^[0-9a-f]{40}$/i, 'must be the 40-hex channel secret'))),
    AMOJO_CHANNEL_SECRET_PREVIOUS: z.optional(
      z.string().check(z.regex(/^[0-9a-f]{40}$/i, 'must be the 40-hex previous channel secret')),
    ),
    AMOJO_BOT_ID: optionalText,
    AMOJO_BOT_NAME: optionalText,
    AMOJO_BASE_URL: z.optional(url(/^https?$/)),
    AMOJO_TIME_WINDOW_SECONDS: z.optional(positiveWhole('seconds', 10)),
    AMOCRM_CLIENT_ID: optionalText,
    AMOCRM_CLIENT_SECRET: optionalText,
    AMOCRM_REDIRECT_URI: z.optional(url(/^https?$/)),
    DATA_ENCRYPTION_KEY: z.optional(base64Key),
    SANDBOX: z.optional(z.enum(['0', '1'], { error: 'must be 0 or 1' })),
  })
  .check(
    z.superRefine((env, ctx) => {
      if (isSandbox(env)) return;
      const required = [
        'PUBLIC_URL',
        'AMOJO_CHANNEL_ID',
        'AMOJO_CHANNEL_SECRET',
        'AMOJO_BOT_ID',
        'AMOCRM_CLIENT_ID',
        'AMOCRM_CLIENT_SECRET',
        'DATA_ENCRYPTION_KEY',
      ] as const;
      for (const name of required) {
        if (env[name] === undefined)
          ctx.issues.push({
            code: 'custom',
            path: [name],
            message: 'is required outside sandbox mode',
            input: undefined,
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

type Env = z.infer<typeof envSchema>;

/** What parseDatabaseUrl, which the store opens with, would refuse, in its own words; it never echoes a password. */
function databaseUrlProblem(url: string): string | undefined {
  try {
    parseDatabaseUrl(url);
    return undefined;
  } catch (error) {
    return (error as Error).message.replace(/^DATABASE_URL:?\s*/, '');
  }
}

function isSandbox(env: Pick<Env, 'SANDBOX' | 'AMOJO_CHANNEL_SECRET'>): boolean {
  return env.SANDBOX === '1' || (env.SANDBOX === undefined && env.AMOJO_CHANNEL_SECRET === undefined);
}

export interface Config {
  sandbox: boolean;
  port: number;
  publicUrl: string | undefined;
  databaseUrl: string;
  /** Files of manager messages, mirrored so the messenger can fetch them later (MEDIA_DIR, MEDIA_MAX_BYTES). */
  media: { dir: string; maxBytes: number };
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
  amocrm: { clientId: string | undefined; clientSecret: string | undefined; redirectUri: string | undefined };
  /** Standard base64 of 32 bytes, as `createSecretBox` takes it. */
  dataEncryptionKey: string | undefined;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Parses the environment or throws a ConfigError listing every problem; values never appear in the list. */
export function loadConfig(source: Record<string, string | undefined>): Config {
  const blanksAsUnset = Object.fromEntries(
    Object.entries(source).filter(([, v]) => v !== undefined && v.trim() !== ''),
  );
  const parsed = z.safeParse(envSchema, blanksAsUnset);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'} ${issue.message}`),
    );
  }
  const env = parsed.data;
  return {
    sandbox: isSandbox(env),
    port: env.PORT,
    publicUrl: env.PUBLIC_URL?.replace(/\/+$/, ''),
    databaseUrl: env.DATABASE_URL,
    media: { dir: env.MEDIA_DIR, maxBytes: env.MEDIA_MAX_BYTES },
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
    },
    dataEncryptionKey: env.DATA_ENCRYPTION_KEY,
  };
}
