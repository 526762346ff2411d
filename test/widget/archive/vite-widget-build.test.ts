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

  it('minifies vendor modules and leaves first-party modules as written', () => {
    const bundle = [
      'var X = (function() {',
      '\t// node_modules/lib/index.js',
      '\tfunction helper(longParameterName) {',
      '\t\treturn longParameterName + 1;',
      '\t}',
      '\t// widget/own.ts',
      '\tfunction mine(value) {',
      '\t\treturn helper(value);',
      '\t}',
      '\treturn mine;',
      '})();',
    ].join('\n');
    const out = minifyVendorSegments(bundle);
    expect(out).toContain('\t// node_modules/lib/index.js');
    expect(out).not.toContain('longParameterName');
    expect(out).toContain('function helper(');
    expect(out).toContain('\tfunction mine(value) {\n\t\treturn helper(value);\n\t}');
    expect(new Function(`${out}; return X(1);`)()).toBe(2);
  });
});
