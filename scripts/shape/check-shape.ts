import { applyRules } from './apply-rules';
import { cruiseSrc } from './cruise-src';
import { loadShapeConfig, shapeConfigPath } from './load-shape-config';
import { readWidgetGraph } from './read-widget-graph';
import type { Violation } from './violation';

/**
 * Checks `src/` and `widget/` under `baseDir` against the folder rules of .dependency-cruiser.cjs: src/ with
 * dependency-cruiser, widget/ with our own graph (read-widget-graph.ts). An empty list means the shape holds.
 */
export async function checkShape(baseDir: string): Promise<Violation[]> {
  const src = cruiseSrc(baseDir, shapeConfigPath);
  const widget = applyRules(loadShapeConfig().forbidden ?? [], readWidgetGraph(baseDir));
  return [...(await src), ...widget];
}
