import { lineAt } from './split-bundle';
import { type ArchiveFiles, decodeUtf8, isTextFile, type Violation, violation } from './violation';

/** Shapes of credentials that must never ship in a browser bundle (design.md §7: secrets never reach the bundle). */
const secretPatterns: readonly [RegExp, string][] = [
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/g, 'a PEM private key'],
  [/\beyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{8,}/g, 'a JSON Web Token'],
  [/\bAKIA[0-9A-Z]{16}\b/g, 'an AWS access key id'],
  [/\b(?:sk|rk)_live_[0-9A-Za-z]{16,}/g, 'a live payment API key'],
  [/\bgh[pousr]_[0-9A-Za-z]{36}\b/g, 'a GitHub token'],
  [/\bxox[abprs]-[0-9A-Za-z-]{10,}/g, 'a Slack token'],
  [
    /(?:secret|secret_key|client_secret|api_key|apikey|password|passwd|access_token|auth_token|private_key)["']?\s*[:=]\s*["'`]([^"'`\s]{12,})["'`]/gi,
    'a credential assigned to a secret-looking name',
  ],
  [/(?<![\w$])[0-9a-f]{32,}(?![\w$])/gi, 'a long hex string (a key or a hash of one)'],
];

const alphabetRuns = /abcdefghij|ABCDEFGHIJ|0123456789|zyxwvutsrq/;

function entropyBitsPerChar(text: string): number {
  const counts = new Map<string, number>();
  for (const ch of text) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let bits = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** A quoted base64-ish blob of 40+ characters with random-looking content: likely a key. */
const blob = /["'`]([A-Za-z0-9+/_-]{40,}={0,2})["'`]/g;

export function checkSecrets(files: ArchiveFiles): Violation[] {
  const found: Violation[] = [];
  for (const [name, bytes] of files) {
    if (!isTextFile(name)) continue;
    const text = decodeUtf8(bytes);
    if (text === null) continue;
    for (const [pattern, what] of secretPatterns) {
      for (const match of text.matchAll(pattern)) {
        found.push(violation(name, 'secrets/leak', `line ${lineAt(text, match.index)}: looks like ${what}`));
      }
    }
    for (const match of text.matchAll(blob)) {
      const value = match[1] ?? '';
      const mixed = /[a-z]/.test(value) && /[A-Z]/.test(value) && /\d/.test(value);
      if (mixed && !alphabetRuns.test(value) && entropyBitsPerChar(value) >= 4.5) {
        found.push(violation(name, 'secrets/leak', `line ${lineAt(text, match.index)}: looks like an encoded key`));
      }
    }
  }
  return found;
}
