import { sourceExternalId, sourceExternalIdMaxLength } from '../../contracts/amocrm';
import type { SourceRecord } from './amocrm-emulator-types';
import type { FieldError, ItemErrors } from './validation-problem';

/** amoCRM's cap on an integration's active sources in one account (crm-rest §4.1). */
export const SOURCE_LIMIT = 100;
/** The docs' cap on one POST or PATCH (crm-rest §4.2). */
export const SOURCE_BATCH_LIMIT = 50;
/** The docs give no length for `name`; 255, as for our link titles and amoCRM's other names. */
export const SOURCE_NAME_MAX_LENGTH = 255;

/** One valid item: what to create, or what to change of `id`. */
export interface SourceChange {
  readonly requestId: string;
  readonly id?: number;
  readonly name?: string;
  readonly externalId?: string;
  readonly pipelineId?: number;
  readonly isDefault?: boolean;
  readonly originCode?: string | null;
  readonly services?: unknown[];
}

export interface SourceItemsContext {
  readonly mode: 'create' | 'patch';
  /** PATCH /{id}: the one source the body changes (its id comes from the path). */
  readonly target?: SourceRecord;
  readonly liveSources: readonly SourceRecord[];
  readonly pipelineExists: (pipelineId: number) => boolean;
}

export type SourceItemsResult = { ok: true; changes: SourceChange[] } | { ok: false; errors: ItemErrors[] };

/**
 * Every rule of a POST or PATCH of sources (crm-rest §4.2, §9.13), checked over the whole batch before anything is
 * stored: types, `name` required on create, `external_id` 1-36 printable ASCII, unique among the live sources and in
 * the batch, and never changed by a PATCH; `pipeline_id` an existing pipeline of the account (archived allowed, null
 * refused: it is an int); at most one `default: true`; the 100 live sources cap.
 */
export function validateSourceItems(items: readonly unknown[], context: SourceItemsContext): SourceItemsResult {
  const errors: ItemErrors[] = [];
  const changes: SourceChange[] = [];
  const seenExternalIds = new Set<string>();
  const seenIds = new Set<number>();
  let defaults = 0;

  items.forEach((item, index) => {
    const fieldErrors: FieldError[] = [];
    const fail = (code: string, path: string, detail: string) => fieldErrors.push({ code, path, detail });
    const record =
      item !== null && typeof item === 'object' && !Array.isArray(item) ? (item as Record<string, unknown>) : undefined;
    const requestId = typeof record?.request_id === 'string' ? record.request_id : String(index);
    if (record === undefined) {
      errors.push({ requestId, errors: [{ code: 'InvalidType', path: '', detail: 'Each item must be an object' }] });
      return;
    }
    if (record.request_id !== undefined && typeof record.request_id !== 'string') {
      fail('InvalidType', 'request_id', 'request_id must be a string');
    }

    let target = context.target;
    if (context.mode === 'patch' && target === undefined) {
      const id = record.id;
      if (id === undefined) fail('FieldMissing', 'id', 'id is required in a batch update');
      else if (!Number.isSafeInteger(id) || (id as number) <= 0) fail('InvalidType', 'id', 'id must be an integer');
      else {
        target = context.liveSources.find((source) => source.id === id);
        if (target === undefined) fail('EntityNotFound', 'id', `source with id = ${id} not found`);
        else if (seenIds.has(target.id)) fail('NotUnique', 'id', `source ${id} appears twice`);
        else seenIds.add(target.id);
      }
    }

    const name = record.name;
    if (name === undefined) {
      if (context.mode === 'create') fail('FieldMissing', 'name', 'name is required');
    } else if (typeof name !== 'string') fail('InvalidType', 'name', 'name must be a string');
    else if (name.trim() === '') fail('FieldMissing', 'name', 'name must not be empty');
    else if (name.length > SOURCE_NAME_MAX_LENGTH) {
      fail('LengthExceeded', 'name', `name is longer than ${SOURCE_NAME_MAX_LENGTH} characters`);
    }

    const externalId = record.external_id;
    if (context.mode === 'patch') {
      if (externalId !== undefined && target !== undefined && externalId !== target.externalId) {
        fail('ImmutableField', 'external_id', 'external_id cannot be changed; create a new source instead');
      }
    } else if (externalId === undefined) fail('FieldMissing', 'external_id', 'external_id is required');
    else if (typeof externalId !== 'string') fail('InvalidType', 'external_id', 'external_id must be a string');
    else if (externalId.length > sourceExternalIdMaxLength) {
      fail('LengthExceeded', 'external_id', `external_id is longer than ${sourceExternalIdMaxLength} characters`);
    } else if (!sourceExternalId.safeParse(externalId).success) {
      fail('InvalidFormat', 'external_id', 'external_id may hold printable ASCII characters and the space only');
    } else if (
      seenExternalIds.has(externalId) ||
      context.liveSources.some((source) => source.externalId === externalId)
    ) {
      fail('NotUnique', 'external_id', `a source with external_id "${externalId}" exists`);
    } else seenExternalIds.add(externalId);

    const pipelineId = record.pipeline_id;
    if (pipelineId !== undefined) {
      if (!Number.isSafeInteger(pipelineId) || (pipelineId as number) <= 0) {
        fail('InvalidType', 'pipeline_id', 'pipeline_id must be an integer');
      } else if (!context.pipelineExists(pipelineId as number)) {
        fail('NotFound', 'pipeline_id', `pipeline with id = ${pipelineId} not found`);
      }
    }

    const isDefault = record.default;
    if (isDefault !== undefined && typeof isDefault !== 'boolean')
      fail('InvalidType', 'default', 'default must be a bool');
    if (isDefault === true && ++defaults > 1) fail('NotUnique', 'default', 'only one source may be the default');

    const originCode = record.origin_code;
    if (originCode !== undefined && originCode !== null && typeof originCode !== 'string') {
      fail('InvalidType', 'origin_code', 'origin_code must be a string or null');
    }
    const services = record.services;
    if (services !== undefined) {
      if (!Array.isArray(services)) fail('InvalidType', 'services', 'services must be an array');
      else {
        services.forEach((service, at) => {
          if ((service as { type?: unknown } | null)?.type !== 'whatsapp') {
            fail('NotSupportedChoice', `services.${at}.type`, 'the only supported service type is "whatsapp"');
          }
        });
      }
    }

    if (fieldErrors.length > 0) {
      errors.push({ requestId, errors: fieldErrors });
      return;
    }
    changes.push({
      requestId,
      ...(target === undefined ? {} : { id: target.id }),
      ...(typeof name === 'string' ? { name } : {}),
      ...(typeof externalId === 'string' && context.mode === 'create' ? { externalId } : {}),
      ...(typeof pipelineId === 'number' ? { pipelineId } : {}),
      ...(typeof isDefault === 'boolean' ? { isDefault } : {}),
      ...(originCode === undefined ? {} : { originCode: originCode as string | null }),
      ...(Array.isArray(services) ? { services: structuredClone(services) } : {}),
    });
  });

  if (errors.length === 0 && context.mode === 'create' && context.liveSources.length + changes.length > SOURCE_LIMIT) {
    const room = Math.max(0, SOURCE_LIMIT - context.liveSources.length);
    for (const change of changes.slice(room)) {
      errors.push({
        requestId: change.requestId,
        errors: [
          { code: 'LimitExceeded', path: '', detail: `An integration may have at most ${SOURCE_LIMIT} active sources` },
        ],
      });
    }
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, changes };
}
