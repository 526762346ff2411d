import { AppError } from '../../../http/app-error';

/** The link routes' own refusals, worded once; the status of each code lives in app-error.ts. */
export const linkErrors = {
  notLinked: () => new AppError('not_linked', 'This account is not linked to the channel.'),
  // Only a claim made before installations were checked can hold another account's amojo id; the operator frees it.
  amojoIdTaken: (amojoId: string) =>
    new AppError(
      'amojo_id_taken',
      `This amoCRM chat account is already linked to another account; the operator of this service can release it with \`npm run accounts -- release-amojo ${amojoId}\`.`,
    ),
  amojoIdMismatch: () =>
    new AppError('amojo_id_mismatch', 'This account is linked to a different amoCRM chat account id.'),
  // Another account's link answers the same as none: its id tells nothing about who owns it.
  linkNotFound: () => new AppError('link_not_found', 'This account has no such linked number.'),
  linkLimitReached: (limit: number) =>
    new AppError(
      'link_limit_reached',
      `This account already has ${limit} linked numbers, the most amoCRM allows; unlink one before adding another.`,
    ),
  pipelineNotFound: () => {
    const message = 'is not an active pipeline of this account';
    return new AppError('pipeline_not_found', `The pipeline ${message}.`, {
      issues: [{ path: 'pipeline_id', message }],
    });
  },
};
