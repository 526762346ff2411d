import { problemResponse } from './problem-response';

/** One refused field: amoCRM's `{code, path, detail}` (crm-rest §7). */
export interface FieldError {
  readonly code: string;
  readonly path: string;
  readonly detail: string;
}

/** The refusals of one item of a batch, named by its `request_id` (the one sent, else its index). */
export interface ItemErrors {
  readonly requestId: string;
  readonly errors: readonly FieldError[];
}

/**
 * amoCRM's 400 for a body it will not take (crm-rest §7): `validation-errors` grouped by item, `detail` "Request
 * validation failed". The whole batch is refused: nothing of it is stored.
 */
export function validationProblem(items: readonly ItemErrors[], reason: string): Response {
  return problemResponse(400, 'Request validation failed', {
    reason,
    fields: {
      'validation-errors': items.map((item) => ({ request_id: item.requestId, errors: item.errors })),
    },
  });
}
