import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PipelineRecord, SourceRecord } from '../../../src/sandbox/amocrm-emulator/amocrm-emulator-types';
import type { PageAmocrm } from '../../../src/sandbox/amocrm-page/amocrm-page-options';
import type { JsdomInstance } from './load-jsdom';
import { openFakeWidgetPage } from './open-fake-widget-page';
import { ACCOUNT, type PageHarness, startPageHarness } from './page-harness';
import { until } from './until';

// biome-ignore lint/suspicious/noExplicitAny: the page's globals are untyped from the test's side
type PageWindow = Window & typeof globalThis & Record<string, any>;

const pipeline = (id: number, name: string, fields: Partial<PipelineRecord> = {}): PipelineRecord => ({
  id,
  accountId: ACCOUNT.id,
  name,
  sort: id,
  isMain: false,
  isArchive: false,
  isUnsortedOn: true,
  statuses: [],
  ...fields,
});

const source = (
  id: number,
  externalId: string,
  pipelineId: number,
  fields: Partial<SourceRecord> = {},
): SourceRecord => ({
  id,
  accountId: ACCOUNT.id,
  name: `Source ${id}`,
  externalId,
  pipelineId,
  isDefault: false,
  originCode: null,
  services: [],
  createdAt: 0,
  ...fields,
});

/** The amoCRM emulator's side as the page reads it: pipelines and sources only. */
function fakeAmocrm(): PageAmocrm & { pipelines: PipelineRecord[]; sources: SourceRecord[] } {
  const fake = {
    pipelines: [
      pipeline(20, 'Wholesale', { sort: 2 }),
      pipeline(10, 'Sales', { isMain: true, sort: 5 }),
      pipeline(30, 'Old', { isArchive: true }),
    ],
    sources: [source(501, 'link-a', 20), source(502, 'link-gone', 10, { deletedAt: 1 })],
    install: async () => {},
    uninstall: async () => {},
    setCurrentUser: () => {},
    listPipelines: () => fake.pipelines,
    listSources: () => fake.sources,
  };
  return fake as unknown as PageAmocrm & { pipelines: PipelineRecord[]; sources: SourceRecord[] };
}

describe('the emulated page’s pipeline settings (lead_sources)', () => {
  let h: PageHarness;
  let dom: JsdomInstance;
  let win: PageWindow;
  let amocrm: ReturnType<typeof fakeAmocrm>;
  beforeEach(async () => {
    amocrm = fakeAmocrm();
    h = await startPageHarness({ amocrm });
    dom = await openFakeWidgetPage(h);
    win = dom.window as unknown as PageWindow;
    await until(() => win.__sandbox, 'the page script');
    await win.__sandbox.ready;
    await win.__sandbox.refreshLeadSources();
  });
  afterEach(async () => {
    dom.window.close();
    await h.close();
  });

  const rows = () => [...win.document.querySelectorAll<HTMLElement>('[data-testid=pipeline-row]')];

  it('serves the active pipelines, main first, and the live sources', async () => {
    const view = await (await h.fetchPage('/_sandbox/lead-sources')).json();
    expect(view).toEqual({
      pipelines: [
        { id: 10, name: 'Sales', isMain: true },
        { id: 20, name: 'Wholesale', isMain: false },
      ],
      sources: [{ id: 501, name: 'Source 501', externalId: 'link-a', pipelineId: 20 }],
    });
    expect(rows().map((row) => row.dataset.pipelineId)).toEqual(['10', '20']);
    expect(rows()[1]?.querySelector('[data-testid=source-tile]')?.textContent).toBe('Source 501');
  });

  it('adds the widget as a source: onAddAsSource with the pipeline id, then the settings', () => {
    rows()[1]?.querySelector<HTMLButtonElement>('[data-testid=add-as-source]')?.click();
    expect(win.__calls.slice(-2)).toEqual(['onAddAsSource:20', 'settings:install']);
    expect(win.document.querySelector('.test-panel')).not.toBeNull();
    expect(win.__settingsContext).toEqual({});
  });

  it('a source tile opens the settings with {source_id, external_id}', () => {
    rows()[1]?.querySelector<HTMLButtonElement>('[data-testid=source-tile]')?.click();
    expect(win.__calls.at(-1)).toBe('settings:install');
    expect(win.__settingsContext).toEqual({ source_id: 501, external_id: 'link-a' });
  });

  it('refreshes after the settings close, so a source the backend made meanwhile shows', async () => {
    win.__sandbox.openSettings();
    amocrm.sources.push(source(503, 'link-b', 10));
    win.__sandbox.closeSettings();
    await until(() => rows()[0]?.querySelector('[data-testid=source-tile]'), 'the new source tile');
    expect(win.__sandbox.openSource('link-b')).toBe(true);
    expect(win.__settingsContext).toEqual({ source_id: 503, external_id: 'link-b' });
  });
});
