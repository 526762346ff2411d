import { type ParseArgsConfig, parseArgs } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * Argument handling shared by the sandbox's command-line tools: `--help` prints the usage and exits 0; a bad
 * argument prints the problem and the usage and exits 2.
 */
export function createCli<O extends Options>(usage: string, options: O) {
  function fail(message: string): never {
    console.error(`${message}\n${usage}`);
    process.exit(2);
  }
  const values = (() => {
    try {
      return parseArgs({ options: { ...options, help: { type: 'boolean', short: 'h' } } }).values;
    } catch (error) {
      return fail(error instanceof Error ? error.message : String(error));
    }
  })();
  if ((values as { help?: boolean }).help) {
    console.info(usage);
    process.exit(0);
  }
  /** A listening port, 0 (any free port) included. */
  function port(value: string | undefined): number {
    const port = Number(value);
    if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be 0..65535, got ${value}`);
    return port;
  }
  return { values: values as ReturnType<typeof parseArgs<{ options: O }>>['values'], fail, port };
}
