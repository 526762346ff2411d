import type { z } from 'zod/mini';

export interface FormattedIssue {
  /** Dot path into the checked value, e.g. "payload.message.text"; "" for the value itself. */
  path: string;
  message: string;
}

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

const NONE = Symbol('none');

function valueAt(root: unknown, path: Path): unknown {
  let current: unknown = root;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return NONE;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

/** The offending value: zod's own copy when the caller asked for `reportInput`, else looked up in `input`. */
function actualValue(issue: Issue, path: Path, input: unknown): unknown {
  if ('input' in issue) return issue.input;
  return input === NONE ? NONE : valueAt(input, path);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function list(values: readonly unknown[]): string {
  return values.map((value) => JSON.stringify(value)).join(', ');
}

function typeMessage(issue: Extract<Issue, { code: 'invalid_type' }>, actual: unknown): string {
  if (actual === undefined) return `required (${issue.expected})`;
  if (actual === NONE) return `expected ${issue.expected}`;
  return `expected ${issue.expected}, got ${describe(actual)}`;
}

function boundMessage(issue: Extract<Issue, { code: 'too_small' | 'too_big' }>): string {
  const small = issue.code === 'too_small';
  const limit = small ? issue.minimum : issue.maximum;
  if (issue.origin === 'string' && small && limit === 1) return 'must not be empty';
  const plural = limit === 1 ? '' : 's';
  const unit = issue.origin === 'string' ? ` character${plural}` : issue.origin === 'array' ? ` item${plural}` : '';
  const word = issue.origin === 'string' || issue.origin === 'array' ? (small ? 'at least' : 'at most') : '';
  if (word) return `must have ${word} ${limit}${unit}`;
  const sign = small ? (issue.inclusive === false ? '>' : '>=') : issue.inclusive === false ? '<' : '<=';
  return `must be ${sign} ${limit}`;
}

function unionIssues(issue: Extract<Issue, { code: 'invalid_union' }>, base: Path, input: unknown): FormattedIssue[] {
  if (issue.discriminator !== undefined && 'options' in issue && issue.options) {
    return [{ path: join(base), message: `expected one of ${list(issue.options)}` }];
  }
  // The branch with the fewest problems is the one the sender most likely meant: report only that one.
  const branches = issue.errors.filter((branch) => branch.length > 0);
  if (branches.length === 0) {
    const message = 'matches' in issue ? 'matches more than one allowed shape' : 'matches none of the allowed shapes';
    return [{ path: join(base), message }];
  }
  const best = branches.reduce((a, b) => (b.length < a.length ? b : a));
  return best.flatMap((inner) => collect(inner, [...base, ...inner.path], input));
}

function join(path: Path): string {
  return path.map(String).join('.');
}

function collect(issue: Issue, path: Path, input: unknown): FormattedIssue[] {
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((key) => ({ path: join([...path, key]), message: 'unknown field' }));
    case 'invalid_union':
      return unionIssues(issue, path, input);
    case 'invalid_type':
      return [{ path: join(path), message: typeMessage(issue, actualValue(issue, path, input)) }];
    case 'too_small':
    case 'too_big':
      return [{ path: join(path), message: boundMessage(issue) }];
    case 'invalid_value': {
      const expected = `${issue.values.length > 1 ? 'one of ' : ''}${list(issue.values)}`;
      const missing = actualValue(issue, path, input) === undefined;
      return [{ path: join(path), message: missing ? `required (${expected})` : `expected ${expected}` }];
    }
    case 'invalid_format':
      return [{ path: join(path), message: `invalid ${issue.format === 'regex' ? 'format' : issue.format}` }];
    default:
      return [{ path: join(path), message: issue.message }];
  }
}

/**
 * zod issues as `{path, message}` pairs that name the bad field, for 400 bodies and logs. zod/mini ships no locale,
 * so messages are written here. Pass the checked value as `input` to tell "required" from "wrong type".
 * Messages never echo the offending value (it may be message text or a secret).
 */
export function formatIssues(error: { readonly issues: readonly Issue[] }, input: unknown = NONE): FormattedIssue[] {
  return error.issues.flatMap((issue) => collect(issue, issue.path, input));
}
