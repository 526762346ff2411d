import { fileURLToPath } from 'node:url';
import { type ChildResult, runTsx } from '../../helpers/run-tsx';

export type { ChildResult };

/** Runs a TypeScript helper from this folder in a separate Node process (through tsx). */
export function runChild(script: string, args: string[]): Promise<ChildResult> {
  return runTsx(fileURLToPath(new URL(script, import.meta.url)), args);
}
