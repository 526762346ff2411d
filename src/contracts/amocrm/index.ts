export {
  type AccountResponse,
  accountResponse,
  type ProblemBody,
  problemBody,
  type UserResponse,
  userResponse,
} from './account';
export {
  type AmocrmChatBinding,
  type AmocrmContact,
  amocrmChatBindingList,
  amocrmContact,
  amocrmContactList,
  amocrmFieldValues,
} from './contact';
export { type TokenRequest, type TokenResponse, tokenRequest, tokenResponse } from './oauth-token';
export { type AmocrmPipeline, amocrmPipeline, amocrmPipelineList, amocrmStatus } from './pipeline';
export {
  type AmocrmSource,
  amocrmSource,
  amocrmSourceList,
  type SourceInput,
  sourceExternalId,
  sourceExternalIdMaxLength,
} from './source';
