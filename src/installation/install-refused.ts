/**
 * Why an install was refused after amoCRM answered: the grant is for another account than the popup was opened
 * for, the granting user is no admin, or the integration was removed after the code arrived (the removal is the
 * newer word). Final: retrying the same code cannot change any of them.
 */
export type InstallRefusal = 'account_mismatch' | 'not_admin' | 'superseded';

export class InstallRefused extends Error {
  override readonly name = 'InstallRefused';
  constructor(readonly reason: InstallRefusal) {
    super(`install refused: ${reason}`);
  }
}
