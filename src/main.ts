import { createLogger } from './observability/create-logger';
import { withoutIgnored } from './sandbox/sandbox-env';
import { startSandbox } from './sandbox/start-sandbox';
import { ConfigError, isSandboxEnv, loadConfig } from './server/config';
import { startBackend } from './server/start-backend';

// `npm start`: the whole sandbox when SANDBOX=1 or when no production variable is set at all (a fresh clone);
// otherwise the backend against real amojo, and a partial production environment stops here with what is missing.
const logger = createLogger();

try {
  // Validated before anything starts, sandbox included: a bad PORT or SANDBOX gets the same readable list. The sandbox
  // takes none of the production variables (sandbox-env.ts), so a bad one cannot stop it; its first line names them.
  const config = loadConfig(isSandboxEnv(process.env) ? withoutIgnored(process.env) : process.env);
  const running = config.sandbox
    ? await startSandbox({ env: process.env, logger })
    : await startBackend(config, { logger });
  if (!config.sandbox) console.info(`backend (production): ${running.url}`);
  let stopping = false;
  const stop = async (signal: string) => {
    // Under tsx, or Ctrl-C in a terminal, the same signal can arrive twice (the process group and the relay): the
    // second must not cut short the graceful stop that the first began.
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    await running.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
