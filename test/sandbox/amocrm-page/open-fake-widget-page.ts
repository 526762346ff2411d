import { writeFileSync } from 'node:fs';
import { zipSync } from 'fflate';
import { fakeHelperModule, fakeWidgetScript } from './fake-widget-script';
import { JSDOM, type JsdomOptions } from './load-jsdom';
import type { PageHarness } from './page-harness';

/**
 * Puts the hand-written widget (fake-widget-script.ts) into the harness's archive in place of the built one and
 * loads the emulated amoCRM page in jsdom, scripts running, as a browser would.
 */
export function openFakeWidgetPage(h: PageHarness, beforeParse?: JsdomOptions['beforeParse']) {
  const files = {
    ...h.zip.files,
    'script.js': new TextEncoder().encode(fakeWidgetScript),
    'lib/helper.js': new TextEncoder().encode(fakeHelperModule),
  };
  writeFileSync(h.zip.zipPath, zipSync(files));
  return JSDOM.fromURL(`${h.page.url}/`, {
    runScripts: 'dangerously',
    resources: 'usable',
    pretendToBeVisual: true,
    ...(beforeParse === undefined ? {} : { beforeParse }),
  });
}
