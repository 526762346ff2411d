import type { LinkCreateRequest, LinkErrorCode, LinkUpdateRequest } from '../../src/contracts/link';
import type {
  LinkErrorIssue,
  LinkIssuedResponse,
  LinkItemResponse,
  LinkListResponse,
  LinkRemovedResponse,
  LinkTestResponse,
  PipelineListResponse,
} from './link-views';

/** Why a backend call produced no usable answer. Failures are data: nothing here throws. */
export type ApiFailure =
  /** The backend answered with a contract error body; its English `message`s are left undecoded (link-views.ts). */
  | {
      readonly kind: 'backend';
      readonly status: number;
      readonly code: LinkErrorCode;
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

/** The numbers API (`/api/widget/links`) as the panel sees it; `createBackendApi` implements it over `$authorizedAjax`. */
export interface BackendApi {
  list(): Promise<ApiResult<LinkListResponse>>;
  pipelines(): Promise<ApiResult<PipelineListResponse>>;
  create(request: LinkCreateRequest): Promise<ApiResult<LinkIssuedResponse>>;
  update(id: string, request: LinkUpdateRequest): Promise<ApiResult<LinkItemResponse>>;
  rotate(id: string): Promise<ApiResult<LinkIssuedResponse>>;
  test(id: string): Promise<ApiResult<LinkTestResponse>>;
  unlink(id: string): Promise<ApiResult<LinkRemovedResponse>>;
}
