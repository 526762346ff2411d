export { type LinkCredentials, linkCredentialsSchema } from './link-credentials';
export {
  type LinkErrorBody,
  type LinkErrorCode,
  type LinkErrorIssue,
  linkErrorBodySchema,
  linkErrorCodes,
  linkErrorIssueSchema,
  linkErrorStatus,
} from './link-error';
export {
  amojoIdSchema,
  intSchema,
  isHttpUrl,
  linkTitleMaxLength,
  linkTitleSchema,
  minLengthString,
  timestampSchema,
  webhookUrlMaxLength,
  webhookUrlSchema,
} from './link-fields';
export { linkPaths } from './link-paths';
export {
  type LinkActionRequest,
  type LinkPutRequest,
  linkActionRequestSchema,
  linkPutRequestSchema,
} from './link-put-request';
export {
  type LinkDeleteResponse,
  type LinkPutResponse,
  type LinkRotateResponse,
  type LinkTestOutcome,
  type LinkTestResponse,
  linkDeleteResponseSchema,
  linkPutResponseSchema,
  linkRotateResponseSchema,
  linkTestResponseSchema,
} from './link-responses';
export {
  type InstallationState,
  installationStateSchema,
  type LinkAccount,
  type LinkedStatus,
  type LinkInstallation,
  type LinkStatus,
  type LinkViewer,
  linkAccountSchema,
  linkedStatusSchema,
  linkInstallationSchema,
  linkStatusSchema,
  linkViewerSchema,
  type UnlinkedStatus,
  unlinkedStatusSchema,
} from './link-status';
