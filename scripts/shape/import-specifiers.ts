import { parseSync } from '@swc/core';

type AstNode = { readonly [key: string]: unknown };

function isNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null;
}

/** A string literal, or a template literal without placeholders (`import(\`../x\`)` names its module just as well). */
function stringValue(node: unknown): string | undefined {
  if (!isNode(node)) return undefined;
  if (node.type === 'StringLiteral') return typeof node.value === 'string' ? node.value : undefined;
  if (node.type !== 'TemplateLiteral' || !Array.isArray(node.expressions) || node.expressions.length > 0)
    return undefined;
  const quasis = Array.isArray(node.quasis) ? (node.quasis as unknown[]) : [];
  const only = quasis.length === 1 ? quasis[0] : undefined;
  return isNode(only) && typeof only.cooked === 'string' ? only.cooked : undefined;
}

function specifierOf(node: AstNode): string | undefined {
  switch (node.type) {
    case 'ImportDeclaration':
    case 'ExportAllDeclaration':
    case 'ExportNamedDeclaration':
      return stringValue(node.source);
    case 'TsImportType':
      return stringValue(node.argument);
    case 'TsExternalModuleReference':
      return stringValue(node.expression);
    case 'CallExpression': {
      const callee = isNode(node.callee) ? node.callee : {};
      const loads = callee.type === 'Import' || (callee.type === 'Identifier' && callee.value === 'require');
      const first = Array.isArray(node.arguments) ? (node.arguments[0] as unknown) : undefined;
      return loads && isNode(first) ? stringValue(first.expression) : undefined;
    }
    default:
      return undefined;
  }
}

function collect(node: unknown, found: string[]): void {
  if (!isNode(node)) return;
  const specifier = specifierOf(node);
  if (specifier !== undefined) found.push(specifier);
  for (const child of Object.values(node)) collect(child, found);
}

/**
 * Every module one source file names, type-only ones included: imports, re-exports, `import()` with a string or a
 * template without placeholders, `typeof import()`, `require()` and `import x = require()`. A computed
 * `import(name)` is not seen, as in dependency-cruiser.
 */
export function importSpecifiers(source: string, tsx: boolean): string[] {
  const found: string[] = [];
  collect(parseSync(source, { syntax: 'typescript', tsx }), found);
  return found;
}
