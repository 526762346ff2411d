export {
  type AccountResponse,
  accountResponse,
  type ProblemBody,
  problemBody,
  type UserResponse,
  userResponse,
} from './account';
export { type TokenRequest, type TokenResponse, tokenRequest, tokenResponse } from './oauth-token';
