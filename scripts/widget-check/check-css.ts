import { findStringLiterals } from './find-string-literals';
import { lineAt, splitBundle } from './split-bundle';
import { type ArchiveFiles, decodeUtf8, type Violation, violation } from './violation';

const darkScheme = /^(?:html|:root)\[data-color-scheme=["']?dark["']?\]\s+/;

/** Splits a selector list on top-level commas (not the ones inside :is(...) or [attr="a,b"]). */
function splitSelectors(list: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let quote: string | null = null;
  let current = '';
  for (const ch of list) {
    if (quote !== null) {
      if (ch === quote) quote = null;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === '(' || ch === '[') depth += 1;
    else if (ch === ')' || ch === ']') depth -= 1;
    else if (ch === ',' && depth === 0) {
      out.push(current.trim());
      current = '';
      continue;
    }
    current += ch;
  }
  if (current.trim() !== '') out.push(current.trim());
  return out;
}

function isScoped(selector: string, scope: string): boolean {
  const rest = selector.replace(darkScheme, '');
  return rest === scope || (rest.startsWith(scope) && /^[\s.:[>+~#]/.test(rest.slice(scope.length)));
}

/** Walks CSS text and reports every rule that is not scoped under `scope`. */
export function findCssProblems(css: string, scope: string): string[] {
  const problems: string[] = [];
  const text = css.replace(/\/\*[\s\S]*?\*\//g, '');
  const walk = (from: number, to: number): void => {
    let at = from;
    while (at < to) {
      const open = text.indexOf('{', at);
      const semicolon = text.indexOf(';', at);
      if (open === -1 || open >= to) return;
      if (semicolon !== -1 && semicolon < open && text.slice(at, semicolon).trim().startsWith('@')) {
        problems.push(`at-rule "${text.slice(at, semicolon).trim()}" loads or defines global styles`);
        at = semicolon + 1;
        continue;
      }
      let depth = 1;
      let close = open + 1;
      while (close < to && depth > 0) {
        if (text[close] === '{') depth += 1;
        else if (text[close] === '}') depth -= 1;
        close += 1;
      }
      const prelude = text.slice(at, open).trim();
      const body = text.slice(open + 1, close - 1);
      if (/^@(?:media|supports|container)\b/.test(prelude)) walk(open + 1, close - 1);
      else if (/^@(?:-webkit-)?keyframes\b/.test(prelude)) {
        const name = prelude.split(/\s+/)[1] ?? '';
        if (!name.startsWith(scope.replace(/^\./, '')))
          problems.push(`@keyframes "${name}" is not prefixed with the scope`);
      } else if (prelude.startsWith('@')) problems.push(`at-rule "${prelude}" is not allowed`);
      else {
        for (const selector of splitSelectors(prelude)) {
          if (!isScoped(selector, scope)) problems.push(`selector "${selector}" is not scoped under ${scope}`);
        }
        if (/(?:^|[;\s])--palette-[\w-]+\s*:/.test(body))
          problems.push(`"${prelude}" redefines a system --palette-* variable`);
      }
      at = close;
    }
  };
  walk(0, text.length);
  return problems;
}

/** A literal that reads as a stylesheet: at least one `selector { property: value }` rule. */
function looksLikeCss(value: string): boolean {
  return /[^{};]+\{\s*[\w-]+\s*:[^{}]+\}/.test(value);
}

/** No global selectors: every rule of every stylesheet (in .css files or inside script.js) sits under the scope. */
export function checkCss(files: ArchiveFiles, scope: string): Violation[] {
  const found: Violation[] = [];
  for (const [name, bytes] of files) {
    const text = decodeUtf8(bytes);
    if (text === null) continue;
    if (name.endsWith('.css')) {
      for (const problem of findCssProblems(text, scope)) found.push(violation(name, 'css/global-selector', problem));
    } else if (name.endsWith('.js')) {
      const firstParty = splitBundle(text).filter((segment) => segment.firstParty);
      const inFirstParty = (offset: number) =>
        firstParty.some((segment) => offset >= segment.start && offset < segment.start + segment.code.length);
      for (const literal of findStringLiterals(text)) {
        if (!inFirstParty(literal.start) || !looksLikeCss(literal.value)) continue;
        const line = lineAt(text, literal.start);
        for (const problem of findCssProblems(literal.value, scope)) {
          found.push(violation(name, 'css/global-selector', `line ${line}: ${problem}`));
        }
      }
    }
  }
  return found;
}
