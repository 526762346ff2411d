import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stylesheetSource } from '../../../scripts/pack-widget';
import { findCssProblems } from '../../../scripts/widget-check/check-css';
import { panelRootClass } from '../../../widget/mount-panel';
import { repoRoot } from '../harness/built-widget';

const css = readFileSync(join(repoRoot, stylesheetSource), 'utf8');

describe("the panel's style.css", () => {
  it('scopes every rule under the panel root and never redefines system palette variables', () => {
    expect(findCssProblems(css, `.${panelRootClass}`)).toEqual([]);
  });

  it('overrides every custom colour for the dark scheme', () => {
    const block = (selector: string) => {
      const start = css.indexOf(`\n${selector} {`);
      expect(start).toBeGreaterThan(-1);
      return css.slice(start, css.indexOf('}', start));
    };
    const names = (text: string) => [...text.matchAll(/(--channel-link-[\w-]+):/g)].map((m) => m[1]).sort();
    const light = names(block('.channel-link-widget'));
    expect(light.length).toBeGreaterThan(5);
    expect(names(block('html[data-color-scheme="dark"] .channel-link-widget'))).toEqual(light);
  });

  it('uses amoCRM palette variables for text, borders and backgrounds', () => {
    for (const variable of ['--palette-text-primary', '--palette-border-default', '--palette-background-primary']) {
      expect(css).toContain(`var(${variable},`);
    }
  });

  it('has a rule for every class the components set, so no markup ships unstyled by a typo', () => {
    const dir = join(repoRoot, 'widget', 'components');
    const used = new Set(
      readdirSync(dir).flatMap((file) =>
        // a class built from a template (`__badge--${view}`) ends in "--" here: only some of its values are styled
        [...readFileSync(join(dir, file), 'utf8').matchAll(/channel-link-widget__[\w-]+/g)]
          .map((m) => m[0])
          .filter((name) => !name.endsWith('--')),
      ),
    );
    expect(used.size).toBeGreaterThan(10);
    expect([...used].filter((name) => !css.includes(`.${name}`))).toEqual([]);
  });
});
