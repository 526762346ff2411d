import { gzipSync } from 'node:zlib';
import { lineAt, splitBundle } from './split-bundle';
import { decodeUtf8, type Violation, violation } from './violation';

/** Budget for script.js, gzip-compressed (design.md §6). */
export const scriptGzipBudget = 24 * 1024;

export interface ScriptReport {
  readonly violations: Violation[];
  readonly rawBytes: number;
  readonly gzipBytes: number;
  /** Eval-like code found in vendor modules: allowed, but worth knowing about. */
  readonly vendorNotes: string[];
}

const evalLike: readonly [RegExp, string][] = [
  [/\beval\s*\(/g, 'eval()'],
  [/\bnew\s+Function\b/g, 'new Function'],
  [/(?<!new\s+)(?<![\w.$])Function\s*\(/g, 'Function()'],
  [/\bset(?:Timeout|Interval)\s*\(\s*['"`]/g, 'a string passed to setTimeout/setInterval'],
  [/createElement\s*\(\s*['"`]script['"`]/gi, 'a <script> element created in code'],
  [/<script\b/gi, 'a <script> tag in markup'],
  [/\bdocument\s*\.\s*write(?:ln)?\s*\(/g, 'document.write'],
];

/**
 * script.js rules: an AMD module, no console use but console.debug (requirements.md §3.1.1), no eval-like code or
 * script injection in first-party code (§3.2), first-party code not minified, and the gzip size budget.
 */
export function checkScript(bytes: Uint8Array, file = 'script.js'): ScriptReport {
  const found: Violation[] = [];
  const vendorNotes: string[] = [];
  const gzipBytes = gzipSync(bytes).length;
  const code = decodeUtf8(bytes) ?? '';
  if (!/^\s*define\s*\(/.test(code)) {
    found.push(violation(file, 'script/amd', 'must be an AMD module that starts with define([...], factory)'));
  }
  if (/\b_jsxFileName\b|\bjsxDEV\b/.test(code)) {
    found.push(violation(file, 'script/dev-build', 'carries development JSX (source paths); build in production mode'));
  }
  for (const match of code.matchAll(/\bconsole\s*(?:\.\s*([A-Za-z_$][\w$]*)|\[)/g)) {
    if (match[1] === 'debug') continue;
    const what = match[1] === undefined ? 'console[...]' : `console.${match[1]}`;
    found.push(
      violation(file, 'script/console', `line ${lineAt(code, match.index)}: ${what}; only console.debug is allowed`),
    );
  }
  for (const segment of splitBundle(code)) {
    for (const [pattern, what] of evalLike) {
      for (const match of segment.code.matchAll(pattern)) {
        const line = lineAt(code, segment.start + match.index);
        if (segment.firstParty) {
          found.push(violation(file, 'script/eval', `line ${line} (${segment.source}): ${what} is forbidden`));
        } else {
          vendorNotes.push(`${segment.source} line ${line}: ${what}`);
        }
      }
    }
    if (segment.firstParty && segment.code.split('\n').some((line) => line.length > 400)) {
      found.push(
        violation(file, 'script/minified', `${segment.source} looks minified; ship first-party code readable`),
      );
    }
  }
  if (gzipBytes > scriptGzipBudget) {
    found.push(violation(file, 'script/size-budget', `is ${gzipBytes} B gzip; the budget is ${scriptGzipBudget} B`));
  }
  return { violations: found, rawBytes: bytes.length, gzipBytes, vendorNotes };
}
