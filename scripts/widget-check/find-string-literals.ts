import { parseSync } from 'rolldown/utils';

export interface StringLiteral {
  readonly value: string;
  readonly start: number;
}

/** Every string and template literal of a JavaScript file, found with a real parser, not a regex. */
export function findStringLiterals(code: string): StringLiteral[] {
  const { program, errors } = parseSync('script.js', code);
  if (errors.length > 0) throw new Error(`script.js does not parse: ${errors[0]?.message}`);
  const found: StringLiteral[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    if (typeof node !== 'object' || node === null) return;
    const record = node as { type?: unknown; value?: unknown; start?: unknown };
    if (record.type === 'Literal' && typeof record.value === 'string') {
      found.push({ value: record.value, start: Number(record.start) });
    } else if (record.type === 'TemplateElement') {
      const cooked = (record.value as { cooked?: unknown } | undefined)?.cooked;
      if (typeof cooked === 'string') found.push({ value: cooked, start: Number(record.start) });
    }
    for (const [key, value] of Object.entries(record)) if (key !== 'value') visit(value);
  };
  visit(program);
  return found;
}
