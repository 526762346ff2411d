import { readFileSync } from 'node:fs';

let version: string | undefined;

/** package.json's version, read once: what `/` and `/openapi.json` say this process is. */
export function packageVersion(): string {
  version ??= (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
    .version;
  return version;
}
