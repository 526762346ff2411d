/** An error's `code` for a log line (AmojoError, AppError, Node errors); never its message, which may carry data. */
export function errorCodeOf(error: unknown): string {
  return typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : 'unknown';
}
