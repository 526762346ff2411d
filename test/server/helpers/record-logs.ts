import { createLogger, type Logger } from '../../../src/observability/create-logger';

export interface LogEntry {
  level: number;
  msg: string;
  [key: string]: unknown;
}

/** A real logger at debug level whose entries are kept, parsed, for the test to read. */
export function recordLogs(): { logger: Logger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const logger = createLogger({
    level: 'debug',
    destination: { write: (line: string) => void entries.push(JSON.parse(line) as LogEntry) },
  });
  return { logger, entries };
}
