import { fileURLToPath } from 'node:url';
import { type ChildResult, runTsx } from '../helpers/run-tsx';

/** Runs one of `src/cli/` as `npm run` does (through tsx, in its own process) and collects what it prints. */
export function runCli(script: string, args: readonly string[], env: Record<string, string>): Promise<ChildResult> {
  return runTsx(fileURLToPath(new URL(`../../src/cli/${script}`, import.meta.url)), args, env);
}
