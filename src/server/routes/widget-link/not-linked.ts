import { AppError } from '../../../http/app-error';

export function notLinked(): AppError {
  return new AppError('not_linked', 'This account is not linked to the channel.');
}
