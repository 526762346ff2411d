import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod/mini';

/** What amoCRM support and the marketplace would hand over; generated once so a restart keeps every link. */
const sandboxCredentials = z.object({
  AMOJO_CHANNEL_ID: z.string(),
  AMOJO_CHANNEL_CODE: z.string(),
  AMOJO_CHANNEL_SECRET: z.string().check(z.regex(/^[0-9a-f]{40}$/)),
  AMOJO_BOT_ID: z.string(),
  AMOJO_BOT_NAME: z.string(),
  AMOCRM_CLIENT_ID: z.string(),
  AMOCRM_CLIENT_SECRET: z.string(),
  DATA_ENCRYPTION_KEY: z.string(),
  /** The emulated account's and admin's amojo ids: stable, since the database binds links to them. */
  SANDBOX_ACCOUNT_AMOJO_ID: z.string(),
  SANDBOX_USER_AMOJO_ID: z.string(),
  /** The second user's (a manager, not an admin); files from before it existed get one on the next start. */
  SANDBOX_MANAGER_AMOJO_ID: z.optional(z.string()),
});

/** As loaded: the manager's id is always there (loadSandboxCredentials adds it to an older file). */
export type SandboxCredentials = Omit<z.infer<typeof sandboxCredentials>, 'SANDBOX_MANAGER_AMOJO_ID'> & {
  SANDBOX_MANAGER_AMOJO_ID: string;
};

export function generateSandboxCredentials(): SandboxCredentials {
  return {
    AMOJO_CHANNEL_ID: randomUUID(),
    AMOJO_CHANNEL_CODE: 'amo.ext.sandbox_channel',
    AMOJO_CHANNEL_SECRET: randomBytes(20).toString('hex'),
    AMOJO_BOT_ID: randomUUID(),
    AMOJO_BOT_NAME: 'Sandbox Bot',
    AMOCRM_CLIENT_ID: randomUUID(),
    AMOCRM_CLIENT_SECRET: randomBytes(32).toString('base64url'),
    DATA_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    SANDBOX_ACCOUNT_AMOJO_ID: randomUUID(),
    SANDBOX_USER_AMOJO_ID: randomUUID(),
    SANDBOX_MANAGER_AMOJO_ID: randomUUID(),
  };
}

/** Reads the sandbox's credentials file, creating it (owner-only) on first start. */
export function loadSandboxCredentials(path: string): SandboxCredentials {
  if (existsSync(path)) {
    const parsed = z.safeParse(sandboxCredentials, JSON.parse(readFileSync(path, 'utf8')));
    if (!parsed.success) throw new Error(`${path} is not a sandbox credentials file; delete it to generate a new one`);
    const { SANDBOX_MANAGER_AMOJO_ID, ...rest } = parsed.data;
    if (SANDBOX_MANAGER_AMOJO_ID !== undefined) return { ...rest, SANDBOX_MANAGER_AMOJO_ID };
    // A file from before the second user: the new id is added, the rest (links depend on it) kept as it was.
    const completed = { ...rest, SANDBOX_MANAGER_AMOJO_ID: randomUUID() };
    write(path, completed);
    return completed;
  }
  const created = generateSandboxCredentials();
  write(path, created);
  return created;
}

function write(path: string, credentials: SandboxCredentials) {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  chmodSync(path, 0o600);
}
