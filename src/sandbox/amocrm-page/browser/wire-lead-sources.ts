import type { LeadSourcesView } from '../page-types';
import { el } from './el';

type LeadSource = LeadSourcesView['sources'][number];

export interface LeadSourcesDeps {
  /** Reads the pipelines and sources; resolves empty lists when the page server has none. */
  readonly load: () => Promise<LeadSourcesView>;
  /** "Add the widget as a source" of a pipeline. */
  readonly addAsSource: (pipelineId: number) => void;
  /** A source tile of the widget: opens its settings with the source's context. */
  readonly openSource: (source: LeadSource) => void;
}

/**
 * The pipeline settings' lead-source column: one row per pipeline with the widget's sources in it, an action that
 * adds the widget as a source (amoCRM's onAddAsSource) and, per source, the tile that opens the widget's settings
 * with `{source_id, external_id}` (web_sdk/settings.md).
 */
export function wireLeadSources(container: HTMLElement, refreshButton: HTMLElement, deps: LeadSourcesDeps) {
  let view: LeadSourcesView = { pipelines: [], sources: [] };

  function render() {
    const rows = view.pipelines.map((pipeline) => {
      const own = view.sources.filter((source) => source.pipelineId === pipeline.id);
      return el(
        'tr',
        { 'data-testid': 'pipeline-row', 'data-pipeline-id': pipeline.id },
        el('th', { scope: 'row' }, pipeline.isMain ? `${pipeline.name} (main)` : pipeline.name),
        el(
          'td',
          {},
          ...own.map((source) =>
            el(
              'button',
              {
                type: 'button',
                'data-testid': 'source-tile',
                'data-source-id': source.id,
                'data-external-id': source.externalId,
                onClick: () => deps.openSource(source),
              },
              source.name,
            ),
          ),
          own.length === 0 ? 'no sources' : null,
        ),
        el(
          'td',
          {},
          el(
            'button',
            {
              type: 'button',
              'data-testid': 'add-as-source',
              'data-pipeline-id': pipeline.id,
              onClick: () => deps.addAsSource(pipeline.id),
            },
            `Add the widget as a source of ${pipeline.name}`,
          ),
        ),
      );
    });
    const table =
      rows.length === 0
        ? el('p', {}, 'No pipelines: the page runs without the amoCRM emulator.')
        : el(
            'table',
            { class: 'sandbox-lead-sources' },
            el('thead', {}, el('tr', {}, el('th', {}, 'Pipeline'), el('th', {}, 'Sources'), el('th', {}, 'Action'))),
            el('tbody', {}, ...rows),
          );
    container.replaceChildren(table);
  }

  async function refresh() {
    view = await deps.load();
    render();
  }

  refreshButton.addEventListener('click', () => void refresh());
  return {
    refresh,
    /** The last view read, for tests and the console. */
    view: () => view,
  };
}
