/**
 * `add`: the add-number form with a pipeline preselected (`onAddAsSource`); `source`: the settings of the number a
 * pipeline's source tile belongs to (`settings($body, {source_id, external_id})`; external_id is our link id).
 */
export type PanelOpening =
  | { readonly kind: 'add'; readonly pipelineId: number | null }
  | { readonly kind: 'source'; readonly externalId?: string | undefined; readonly sourceId?: number | undefined };
