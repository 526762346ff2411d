import type { z } from 'zod/mini';
import { formatIssues } from '../../contracts/format-issues';
import { ControlError } from './control-error';

/** Validates a control-API input, throwing a 400 ControlError that names each bad field. */
export function parseControlInput<S extends z.ZodMiniType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const errors = formatIssues(result.error, value);
  const summary = errors.map((issue) => `${issue.path || '(body)'}: ${issue.message}`).join('; ');
  throw new ControlError(400, `invalid control request: ${summary}`, errors);
}
