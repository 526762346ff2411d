import { readFileSync } from 'node:fs';
import { minifySync as swcMinify } from '@swc/core';
import { parseSync } from 'rolldown/utils';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

// --- widget build: `vite build` emits dist/widget/script.js, the AMD module of widget.zip ---------------------------
/** The sandbox backend; production builds set WIDGET_BACKEND_URL to the public https origin. */
export const defaultBackendUrl = 'http://127.0.0.1:8080';

/** Validates the build-time backend origin, so a typo fails the build instead of every request in the field. */
export function resolveBackendUrl(raw: string | undefined): string {
  const value = raw === undefined || raw.trim() === '' ? defaultBackendUrl : raw.trim();
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`WIDGET_BACKEND_URL must be an absolute URL, got ${JSON.stringify(value)}`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`WIDGET_BACKEND_URL must use http or https, got ${url.protocol}`);
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '') {
    throw new Error('WIDGET_BACKEND_URL must not carry credentials, a query or a fragment');
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/**
 * Turns the iife bundle into the AMD module amoCRM loads: `define(["jquery"], function ($) { ...; return Widget; })`.
 * Vite 8 (rolldown) cannot emit `amd` itself; the iife's global variable becomes a local of the factory.
 */
export function wrapInDefine(code: string, globalName: string): string {
  if (!new RegExp(`^var ${globalName} = `, 'm').test(code)) {
    throw new Error(`expected the iife bundle to declare "var ${globalName}"`);
  }
  return `define(["jquery"], function ($) {\n${code.trimEnd()}\nreturn ${globalName};\n});\n`;
}

/** rolldown opens each module of an unminified bundle with a `// <path>` line; vendor modules live in node_modules. */
const moduleMarker = /^\t?\/\/ ((?:node_modules|widget|src)\/\S+)$/;

interface Segment {
  readonly marker: string;
  readonly vendor: boolean;
  readonly lines: string[];
}

/** Splits the bundle at its `// <path>` lines; what comes before the first one (the iife's head) has no marker. */
function splitSegments(code: string): Segment[] {
  const segments: Segment[] = [{ marker: '', vendor: false, lines: [] }];
  for (const line of code.split('\n')) {
    const found = moduleMarker.exec(line);
    if (found !== null)
      segments.push({ marker: line, vendor: found[1]?.startsWith('node_modules/') ?? false, lines: [] });
    else segments.at(-1)?.lines.push(line);
  }
  return segments;
}

type AstNode = { readonly type?: string; readonly [key: string]: unknown };

/** The names a statement list declares at its top level. */
function topLevelNames(program: { body: AstNode[] }): Set<string> {
  const names = new Set<string>();
  for (const statement of program.body) {
    const declarations = statement.type === 'VariableDeclaration' ? (statement.declarations as AstNode[]) : [];
    for (const { id } of declarations as { id: AstNode }[]) {
      if (id.type !== 'Identifier') throw new Error('a vendor module declares a destructured top-level name');
      names.add(String(id.name));
    }
    const id = statement.id as AstNode | null | undefined;
    if ((statement.type === 'FunctionDeclaration' || statement.type === 'ClassDeclaration') && id)
      names.add(String(id.name));
  }
  return names;
}

/** The names a binding pattern (`x`, `{ a: [b] }`, `c = 1`, `...d`) declares. */
function patternNames(node: unknown, into: string[] = []): string[] {
  const n = node as AstNode | null;
  if (n === null || typeof n !== 'object') return into;
  if (n.type === 'Identifier') into.push(String(n.name));
  else if (n.type === 'ObjectPattern') for (const p of n.properties as AstNode[]) patternNames(p.value ?? p, into);
  else if (n.type === 'ArrayPattern') for (const e of n.elements as unknown[]) patternNames(e, into);
  else if (n.type === 'AssignmentPattern') patternNames(n.left, into);
  else if (n.type === 'RestElement') patternNames(n.argument, into);
  return into;
}

/** The names the statements of one block declare (var included: scoping it to the block only adds free names). */
function blockNames(statements: AstNode[]): string[] {
  const names: string[] = [];
  for (const s of statements) {
    if (s.type === 'VariableDeclaration') for (const d of s.declarations as AstNode[]) patternNames(d.id, names);
    else if ((s.type === 'FunctionDeclaration' || s.type === 'ClassDeclaration') && s.id) patternNames(s.id, names);
  }
  return names;
}

/** The names a node binds for its own subtree: a function's params and body, a block, a loop head, a catch. */
function scopeNames(n: AstNode): string[] | null {
  switch (n.type) {
    case 'FunctionDeclaration':
    case 'FunctionExpression':
    case 'ArrowFunctionExpression': {
      const names = (n.params as unknown[]).flatMap((param) => patternNames(param));
      if (n.type === 'FunctionExpression' && n.id) patternNames(n.id, names);
      const body = n.body as AstNode;
      if (body.type === 'BlockStatement') names.push(...blockNames(body.body as AstNode[]));
      return names;
    }
    case 'Program':
    case 'BlockStatement':
    case 'StaticBlock':
      return blockNames(n.body as AstNode[]);
    case 'SwitchStatement':
      return blockNames((n.cases as AstNode[]).flatMap((c) => c.consequent as AstNode[]));
    case 'ForStatement':
    case 'ForInStatement':
    case 'ForOfStatement': {
      const head = (n.type === 'ForStatement' ? n.init : n.left) as AstNode | null;
      return head?.type === 'VariableDeclaration' ? blockNames([head]) : [];
    }
    case 'CatchClause':
      return patternNames(n.param);
    case 'ClassExpression':
      return n.id ? patternNames(n.id) : [];
    default:
      return null;
  }
}

/** Keys whose identifier is a name, not a reference: `a.b`, `{ b: 1 }`, `class { b() {} }`, labels, `new.target`. */
function isNameKey(n: AstNode, key: string): boolean {
  if (n.type === 'MetaProperty' || key === 'label') return true;
  if (n.computed === true) return false;
  return (
    (n.type === 'MemberExpression' && key === 'property') ||
    ((n.type === 'Property' || n.type === 'MethodDefinition' || n.type === 'PropertyDefinition') && key === 'key')
  );
}

/**
 * The names a program reads without declaring them: what it takes from the vendor block (and globals). A reference
 * counts as declared only within the block that declares it, so the set errs on the side of too many names.
 */
function freeNames(node: unknown, scopes: ReadonlySet<string>[] = [], into = new Set<string>()): Set<string> {
  if (Array.isArray(node)) {
    for (const child of node) freeNames(child, scopes, into);
    return into;
  }
  if (typeof node !== 'object' || node === null) return into;
  const n = node as AstNode;
  if (n.type === 'Identifier') {
    const name = String(n.name);
    if (!scopes.some((scope) => scope.has(name))) into.add(name);
    return into;
  }
  const declared = scopeNames(n);
  const inner = declared === null ? scopes : [...scopes, new Set(declared)];
  for (const [key, child] of Object.entries(n)) {
    if (!isNameKey(n, key)) freeNames(child, inner, into);
  }
  return into;
}

/**
 * Minifies the vendor modules of the bundle as one block and leaves first-party code as written. Vendor modules never
 * use our code, so all of them move ahead of it into one function that returns only the names our code uses: inside
 * it the minifier may rename and drop freely, which per-module minification could not (a module's top-level names
 * link it to the others). Our code still sees those names under their own spelling. The `// <path>` line of every
 * vendor module stays in front of the block, so the archive check still tells vendor code from first-party code, and
 * a module that does not parse fails the build.
 */
export function minifyVendorSegments(code: string, entry = 'widget/index.ts'): string {
  const [head, ...segments] = splitSegments(code);
  const vendor = segments.filter((segment) => segment.vendor);
  if (head === undefined || vendor.length === 0) return code;
  // the iife's tail follows the last module, which is the entry and so ours; vendor code must not take it along
  if (segments.at(-1)?.vendor === true) throw new Error('the bundle must end with first-party code');
  const own = [head, ...segments.filter((segment) => !segment.vendor)];
  // one marker, the entry's, opens our code: everything after it is the entry and what it imports, as written; a
  // marker per module would cost about 0.3 KB gzip, and the function names already say what each part is
  const entryMarker = `// ${entry}`;
  // our code loses the one tab every line of it has inside the iife, and nothing else: each line keeps its nesting
  // relative to the others (about 0.1 KB gzip)
  const ownCode = own.map((segment) =>
    segment.lines
      .filter((l) => l !== '')
      .map((l) => l.replace(/^\t/, ''))
      .join('\n'),
  );
  const vendorCode = vendor.map((segment) => segment.lines.join('\n')).join('\n');

  const parsedVendor = parseSync('vendor.js', vendorCode);
  const parsedOwn = parseSync('own.js', ownCode.join('\n'));
  const broken = [...parsedVendor.errors, ...parsedOwn.errors][0];
  if (broken !== undefined) throw new Error(`cannot parse the bundle: ${broken.message}`);
  const used = freeNames(parsedOwn.program);
  const exported = [...topLevelNames(parsedVendor.program as unknown as { body: AstNode[] })]
    .filter((name) => used.has(name))
    .sort();
  const list = exported.join(', ');
  // the minifier renames destructured top-level names, so the block only sets one plain name, spread afterwards
  const block = `var vendorExports = (() => {\n${vendorCode}\nreturn { ${list} };\n})();`;
  const minified = swcMinify(block, { compress: { passes: 2 }, mangle: true, ecma: 2020, module: false });
  if (!minified.code.startsWith('var vendorExports=')) throw new Error('the vendor block lost its name');
  const result = { code: `${minified.code.trimEnd()}\nvar {${exported.join(',')}} = vendorExports;` };
  // one marker per package (its first module) names what the block holds
  const packages = new Map<string, string>();
  for (const { marker } of vendor) {
    const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(marker)?.[1] ?? marker;
    if (!packages.has(name)) packages.set(name, marker.replace(/^\t/, ''));
  }
  const [headCode = '', ...rest] = ownCode;
  return [headCode, ...packages.values(), result.code.trimEnd(), entryMarker, ...rest]
    .filter((l) => l !== '')
    .join('\n');
}

/** manifest.json's `widget.support.email`: the one place the address is set, shown under the panel's errors too. */
export function readSupportEmail(path = 'manifest.json'): string {
  const manifest = JSON.parse(readFileSync(path, 'utf8')) as { widget?: { support?: { email?: unknown } } };
  const email = manifest.widget?.support?.email;
  if (typeof email !== 'string' || !/^[^\s@]+@[^\s@]+$/.test(email)) {
    throw new Error(`${path}: widget.support.email must be an email address`);
  }
  return email;
}

export interface WidgetBuildPluginOptions {
  /** The iife's global name (build.lib.name). */
  readonly globalName: string;
  /** The emitted file to wrap. */
  readonly fileName: string;
}

/** Build-only: injects the backend origin and wraps the bundle in `define`. Does nothing under vitest. */
export function widgetBuildPlugin({ globalName, fileName }: WidgetBuildPluginOptions): Plugin {
  return {
    name: 'channel-link-widget-amd',
    apply: 'build',
    config() {
      const backendUrl = resolveBackendUrl(process.env.WIDGET_BACKEND_URL);
      return {
        define: {
          __WIDGET_BACKEND_URL__: JSON.stringify(backendUrl),
          __WIDGET_SUPPORT_EMAIL__: JSON.stringify(readSupportEmail()),
        },
        // production JSX even when NODE_ENV says otherwise (vitest sets "test"): dev JSX leaks file paths and size
        oxc: { jsx: { runtime: 'automatic', importSource: 'preact', development: false } },
      };
    },
    generateBundle(_options, bundle) {
      const chunk = bundle[fileName];
      if (chunk?.type !== 'chunk') throw new Error(`the widget build did not emit ${fileName}`);
      chunk.code = wrapInDefine(minifyVendorSegments(chunk.code), globalName);
    },
  };
}

// -------------------------------------------------------------------------------------------------------------------

const widgetGlobal = 'ChannelLinkWidget';

// One config for the widget build and both test projects:
// server code never loads jsdom, widget code never sees Node globals.
export default defineConfig({
  // `vite build` emits dist/widget/script.js, the AMD module of widget.zip (scripts/pack-widget.ts zips it).
  // WIDGET_BACKEND_URL sets the backend origin at build time (default: the sandbox, http://127.0.0.1:8080).
  plugins: [widgetBuildPlugin({ globalName: widgetGlobal, fileName: 'script.js' })],
  build: {
    outDir: 'dist/widget',
    emptyOutDir: true,
    copyPublicDir: false,
    target: 'es2020',
    // moderators audit first-party code, so it ships readable; minifyVendorSegments minifies node_modules code only
    minify: false,
    lib: {
      entry: 'widget/index.ts',
      formats: ['iife'],
      name: widgetGlobal,
      fileName: () => 'script.js',
    },
    rolldownOptions: {
      external: ['jquery'],
      output: { globals: { jquery: '$' }, comments: { legal: true, annotation: false, jsdoc: false } },
    },
  },
  test: {
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/widget/**', 'test/e2e/**'],
        },
      },
      {
        test: {
          name: 'widget',
          environment: 'jsdom',
          include: ['test/widget/**/*.test.{ts,tsx}'],
        },
      },
      {
        // Real Chromium against the whole sandbox; one file at a time, since each starts every server.
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.test.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
