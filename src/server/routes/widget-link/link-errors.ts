import { AppError } from '../../../http/app-error';

/** The link routes' own refusals, worded once; the status of each code lives in app-error.ts. */
export const linkErrors = {
  notLinked: () => new AppError('not_linked', 'This account is not linked to the channel.'),
  amojoIdTaken: () => new AppError('amojo_id_taken', 'This amoCRM chat account is already linked to another account.'),
  amojoIdMismatch: () =>
    new AppError('amojo_id_mismatch', 'This account is linked to a different amoCRM chat account id.'),
};
