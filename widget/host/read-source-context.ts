import type { PanelOpening } from '../models/panel-opening';

/**
 * The `context` of `settings($modal_body, context)`: `{source_id, external_id}` when the settings were opened from a
 * pipeline's lead-source tile (web_sdk/settings.md). Our sources' external_id is the number's link id. Anything else
 * (the plain settings modal passes nothing or `{}`) is no request.
 */
export function readSourceContext(context: unknown): PanelOpening | undefined {
  const { source_id: sourceId, external_id: externalId } = (context ?? {}) as Record<string, unknown>;
  // the id may come as a number or a numeric string; anything else matches no number
  const source = Number(sourceId) || undefined;
  const external = typeof externalId === 'string' && externalId !== '' ? externalId : undefined;
  return external === undefined && source === undefined
    ? undefined
    : { kind: 'source', externalId: external, sourceId: source };
}
