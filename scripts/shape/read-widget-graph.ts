import { readdirSync, readFileSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { DependencyType } from 'dependency-cruiser';
import { importSpecifiers } from './import-specifiers';

/** One import, in the terms dependency-cruiser's rules use. */
export interface ImportEdge {
  /** The importing file, relative to the checked root with `/`. */
  readonly from: string;
  /**
   * The imported file the same way. As in dependency-cruiser: an npm package or a path that resolves to no file as
   * written, a Node builtin without `node:`.
   */
  readonly to: string;
  readonly dependencyTypes: readonly DependencyType[];
  readonly couldNotResolve: boolean;
}

const builtins = new Set(builtinModules);
const sourceFile = /\.tsx?$/;

function isFile(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
}

// the files TypeScript's "Bundler" resolution would try for a relative path
function candidatesFor(base: string): string[] {
  const withoutJs = base.endsWith('.js') ? [`${base.slice(0, -3)}.ts`, `${base.slice(0, -3)}.tsx`] : [];
  return [
    base,
    `${base}.ts`,
    `${base}.tsx`,
    `${base}.d.ts`,
    ...withoutJs,
    join(base, 'index.ts'),
    join(base, 'index.tsx'),
  ];
}

function edgeOf(baseDir: string, from: string, specifier: string): ImportEdge {
  if (specifier.startsWith('node:') || builtins.has(specifier)) {
    return { from, to: specifier.replace(/^node:/, ''), dependencyTypes: ['core'], couldNotResolve: false };
  }
  if (!specifier.startsWith('.') && !specifier.startsWith('/')) {
    return { from, to: specifier, dependencyTypes: ['npm'], couldNotResolve: false };
  }
  const base = resolve(baseDir, dirname(from), specifier);
  const found = candidatesFor(base).find(isFile);
  if (found === undefined) return { from, to: specifier, dependencyTypes: ['local'], couldNotResolve: true };
  return {
    from,
    to: relative(baseDir, found).split(sep).join('/'),
    dependencyTypes: ['local'],
    couldNotResolve: false,
  };
}

/**
 * Every import of every `.ts`/`.tsx` file under `widget/`. dependency-cruiser cannot read `.tsx` with swc (it never
 * turns `tsx` on), so the widget's graph is read here, with the same parser.
 */
export function readWidgetGraph(baseDir: string): ImportEdge[] {
  const files = readdirSync(join(baseDir, 'widget'), { recursive: true, encoding: 'utf8' })
    .filter((name) => sourceFile.test(name))
    .map((name) => `widget/${name.split(sep).join('/')}`)
    .sort();
  return files.flatMap((from) =>
    importSpecifiers(readFileSync(join(baseDir, from), 'utf8'), from.endsWith('.tsx')).map((specifier) =>
      edgeOf(baseDir, from, specifier),
    ),
  );
}
