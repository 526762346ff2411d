import { describe, expect, it } from 'vitest';
import { minifyVendorSegments, resolveBackendUrl, wrapInDefine } from '../../../vite.config';

describe('the widget build plugin', () => {
  it('defaults the backend to the sandbox and normalises a trailing slash', () => {
    expect(resolveBackendUrl(undefined)).toBe('http://127.0.0.1:8080');
    expect(resolveBackendUrl(' https://channel.example.com/ ')).toBe('https://channel.example.com');
    expect(resolveBackendUrl('https://x.example/base/')).toBe('https://x.example/base');
  });

  it.each(['channel.example.com', 'ftp://x.example', 'https://u:p@x.example', 'https://x.example/?a=1'])(
    'refuses %s',
    (raw) => {
      expect(() => resolveBackendUrl(raw)).toThrow(/WIDGET_BACKEND_URL/);
    },
  );

  it('wraps the iife in define(["jquery"]) returning the constructor', () => {
    const wrapped = wrapInDefine('var W = (function() {\n\treturn 1;\n})();\n', 'W');
    let deps: unknown;
    const result = new Function('define', `${wrapped}`)((d: unknown, factory: (jq: unknown) => unknown) => {
      deps = d;
      return factory('jq');
    });
    expect(result).toBeUndefined();
    expect(deps).toEqual(['jquery']);
    expect(wrapped.startsWith('define(["jquery"], function ($) {')).toBe(true);
    expect(wrapped.trimEnd().endsWith('return W;\n});')).toBe(true);
    expect(() => wrapInDefine('console.debug(1)', 'W')).toThrow();
  });

  it('minifies the vendor modules as one block ahead of first-party code, which stays as written', () => {
    const bundle = [
      'var X = (function() {',
      '\t// node_modules/lib/index.js',
      '\tfunction helper(longParameterName) {',
      '\t\treturn longParameterName + 1;',
      '\t}',
      '\tfunction unusedByUs(anotherLongName) {',
      '\t\treturn helper(anotherLongName);',
      '\t}',
      '\t// widget/own.ts',
      '\tfunction mine(value) {',
      '\t\treturn helper(value) + other();',
      '\t}',
      '\t// node_modules/other/index.js',
      '\tfunction other() {',
      '\t\treturn 10;',
      '\t}',
      '\t// widget/index.ts',
      '\treturn mine;',
      '})();',
    ].join('\n');
    const out = minifyVendorSegments(bundle);
    // one marker per vendor package ahead of the block, then one marker (the entry's) ahead of our code, as written
    expect(out.indexOf('// node_modules/lib/index.js')).toBeLessThan(out.indexOf('// node_modules/other/index.js'));
    // without the iife's base tab, and otherwise as written
    expect(out).toContain('\n// widget/index.ts\nfunction mine(value) {\n\treturn helper(value) + other();\n}');
    expect(out.indexOf('// node_modules/other/index.js')).toBeLessThan(out.indexOf('// widget/index.ts'));
    expect(out).not.toContain('// widget/own.ts');
    expect(out).not.toContain('longParameterName');
    expect(out).not.toContain('unusedByUs');
    expect(new Function(`${out}; return X(1);`)()).toBe(12);
    expect(() => minifyVendorSegments(bundle.replace('\t// widget/index.ts\n', ''))).toThrow(/first-party/);
  });

  it('returns only the vendor names our code reads, not those it declares in a scope of its own', () => {
    const bundle = [
      'var X = (function() {',
      '\t// node_modules/lib/index.js',
      '\tvar t = 1;',
      '\tvar used = 2;',
      '\tfunction p() {',
      '\t\treturn 3;',
      '\t}',
      '\t// widget/index.ts',
      '\tfunction mine(t) {',
      '\t\tconst p = { t, used };',
      '\t\tfor (const q of [p]) if (q.t) return q.used;',
      '\t\treturn used;',
      '\t}',
      '\treturn mine;',
      '})();',
    ].join('\n');
    const out = minifyVendorSegments(bundle);
    expect(out).toContain('var {used} = vendorExports;');
    expect(new Function(`${out}; return X(5);`)()).toBe(2);
    // a name read where no scope of ours declares it is handed over, even when another scope declares it
    const shadowedElsewhere = bundle.replace('\treturn mine;', '\treturn (x) => mine(x) + p();');
    expect(minifyVendorSegments(shadowedElsewhere)).toContain('var {p,used} = vendorExports;');
    expect(new Function(`${minifyVendorSegments(shadowedElsewhere)}; return X(0);`)()).toBe(5);
  });

  it('leaves a bundle without vendor modules as it is', () => {
    const bundle = 'var X = (function() {\n\t// widget/own.ts\n\treturn 1;\n})();';
    expect(minifyVendorSegments(bundle)).toBe(bundle);
  });
});
