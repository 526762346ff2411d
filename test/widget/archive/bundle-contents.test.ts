import { beforeAll, describe, expect, it } from 'vitest';
import { buildWidget } from '../harness/built-widget';

let script: string;

beforeAll(() => {
  script = new TextDecoder().decode(buildWidget().files.get('script.js'));
}, 120_000);

// What the size work of docs/decisions.md "Widget bundle" took out of script.js; each would creep back unnoticed.
describe('the built script.js', () => {
  it('carries none of the contracts English field messages, which the panel never shows', () => {
    expect(script).not.toMatch(/must be (?:an?|1 to|at least)/);
  });

  it('carries no contract schema the panel does not decode with, not even as a bare call', () => {
    for (const name of ['intSchema', 'minLengthString', 'amojoIdSchema', 'timestampSchema', 'linkTitleSchema']) {
      expect(script).not.toContain(name);
    }
  });

  it('carries only the paths the panel calls, not the deprecated single-link ones', () => {
    expect(script).toContain('"/api/widget/links"');
    expect(script).toContain('"/api/widget/pipelines"');
    expect(script).not.toMatch(/\/api\/widget\/link["/]/);
  });

  it('carries no zod schema kind the panel could do without: a literal is a one-value enum', () => {
    expect(script).not.toContain('$ZodLiteral');
    expect(script).toContain('$ZodEnum');
  });

  it('hands the vendor block only the names our code reads, not those it declares itself', () => {
    const names = /^var \{([^}]*)\} = vendorExports;$/m.exec(script)?.[1]?.split(',') ?? [];
    expect(names).toContain('safeParse');
    // `t` is the translator's name in every component, `version` a local of loadStylesheet
    expect(names).not.toContain('t');
    expect(names).not.toContain('version');
  });
});
