import { createLogger } from './observability/create-logger';
import { startSandbox } from './sandbox/start-sandbox';
import { ConfigError, loadConfig } from './server/config';
import { startBackend } from './server/start-backend';

// `npm start`: the backend against real amojo when a channel is configured; otherwise the whole sandbox.
const logger = createLogger();

try {
  // Validated before anything starts, sandbox included: a bad PORT or SANDBOX gets the same readable list.
  const config = loadConfig(process.env);
  const running = config.sandbox
    ? await startSandbox({ env: process.env, logger })
    : await startBackend(config, { logger });
  if (!config.sandbox) console.info(`backend: ${running.url}`);
  const stop = async (signal: string) => {
    logger.info({ signal }, 'stopping');
    await running.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop('SIGINT'));
  process.once('SIGTERM', () => void stop('SIGTERM'));
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
