import type {
  LinkDeleteResponse,
  LinkErrorCode,
  LinkErrorIssue,
  LinkPutRequest,
  LinkPutResponse,
  LinkRotateResponse,
  LinkStatus,
  LinkTestResponse,
} from '../../src/contracts/link';

/** Why a backend call produced no usable answer. Failures are data: nothing here throws. */
export type ApiFailure =
  /** The backend answered with a contract error body. `message` is the backend's English text, for diagnostics only. */
  | {
      readonly kind: 'backend';
      readonly status: number;
      readonly code: LinkErrorCode;
      readonly message: string;
      readonly issues: readonly LinkErrorIssue[];
      /** With `account_not_installed`: amoCRM's access popup for this account. */
      readonly grantUrl?: string | undefined;
    }
  /** No HTTP answer: offline, DNS, a CORS refusal. */
  | { readonly kind: 'network' }
  | { readonly kind: 'timeout' }
  /** An answer that matches no contract schema. */
  | { readonly kind: 'bad_response'; readonly status: number }
  /** The admin has not given consent, so the request was never sent. */
  | { readonly kind: 'consent_required' };

export type ApiResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly failure: ApiFailure };

/** The link API as the panel sees it; `createBackendApi` implements it over `$authorizedAjax`. */
export interface BackendApi {
  getStatus(): Promise<ApiResult<LinkStatus>>;
  link(request: LinkPutRequest): Promise<ApiResult<LinkPutResponse>>;
  rotate(): Promise<ApiResult<LinkRotateResponse>>;
  test(): Promise<ApiResult<LinkTestResponse>>;
  unlink(): Promise<ApiResult<LinkDeleteResponse>>;
}
