/** A control-API request that cannot be carried out; `status` is what the HTTP control route answers. */
export class ControlError extends Error {
  override readonly name = 'ControlError';

  constructor(
    readonly status: 400 | 403 | 404 | 409,
    message: string,
    readonly errors: readonly { readonly path: string; readonly message: string }[] = [],
  ) {
    super(message);
  }
}
