import { describe, expect, it } from 'vitest';
import { findCssProblems } from '../../../scripts/widget-check/check-css';
import { panelRootClass } from '../../../widget/mount-panel';
import { panelCss } from '../../../widget/styles/panel-css';

describe('panel styles', () => {
  it('scope every rule under the panel root and never redefine system palette variables', () => {
    expect(findCssProblems(panelCss, `.${panelRootClass}`)).toEqual([]);
  });

  it('override every custom colour for the dark scheme', () => {
    const block = (selector: string) => {
      const start = panelCss.indexOf(`${selector} {`);
      return panelCss.slice(start, panelCss.indexOf('}', start));
    };
    const names = (text: string) => [...text.matchAll(/(--channel-link-[\w-]+):/g)].map((m) => m[1]).sort();
    const light = names(block('.channel-link-widget'));
    expect(light.length).toBeGreaterThan(5);
    expect(names(block('html[data-color-scheme="dark"] .channel-link-widget'))).toEqual(light);
  });

  it('use amoCRM palette variables for text, borders and backgrounds', () => {
    for (const variable of ['--palette-text-primary', '--palette-border-default', '--palette-background-primary']) {
      expect(panelCss).toContain(`var(${variable},`);
    }
  });
});
