import { type DestinationStream, type Logger, pino } from 'pino';

export type { Logger };

/**
 * Structured logs carry ids and codes only. Redaction is the second line of defence for
 * anything that slips into a log call: tokens, keys, secrets and message text.
 */
export function createLogger(options: { level?: string; destination?: DestinationStream } = {}): Logger {
  return pino(
    {
      level: options.level ?? process.env.LOG_LEVEL ?? 'info',
      base: null,
      redact: {
        paths: [
          '*.authorization',
          '*["x-auth-token"]',
          '*["x-signature"]',
          '*.secret',
          '*.secrets',
          '*.apiKey',
          '*.api_key',
          '*.signing_secret',
          '*.signingSecret',
          '*.token',
          '*.text',
          '*.body',
        ],
        censor: '[redacted]',
      },
    },
    options.destination,
  );
}
