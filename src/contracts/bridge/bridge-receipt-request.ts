import { z } from 'zod/mini';
import { storableText } from '../storable-text';
import { bridgeMessageRef } from './bridge-fields';

const optional = z.exactOptional;

/**
 * Why a manager message could not be delivered, and the amoCRM error code each reason becomes:
 * the client deleted the conversation (901), the messenger switched this integration off (902), an internal error
 * (903), the recipient cannot be reached or has no account (904), anything else (905, `text` required).
 */
export const bridgeFailureReasons = {
  conversation_deleted: 901,
  integration_disabled: 902,
  internal_error: 903,
  recipient_unreachable: 904,
  other: 905,
} as const;

export type BridgeFailureReason = keyof typeof bridgeFailureReasons;

/** Longest failure text amoCRM shows the manager; longer texts are cut to this. */
export const bridgeFailureTextMaxLength = 200;

/**
 * POST /bridge/v1/receipts: what became of a manager message we delivered. Statuses only move forward
 * (delivered < read; a failure never overrides a delivery or a read), so a late or repeated receipt is accepted and
 * ignored.
 */
export const bridgeReceiptRequest = z
  .strictObject({
    message: bridgeMessageRef,
    status: z.enum(['delivered', 'read', 'failed']),
    reason: optional(
      z.enum(['conversation_deleted', 'integration_disabled', 'internal_error', 'recipient_unreachable', 'other']),
    ),
    /** Shown to the manager; cut to 200 characters. */
    text: optional(z.string().check(z.maxLength(2000), storableText)),
  })
  .check(
    z.superRefine((r, ctx) => {
      if (r.status === 'failed' && r.reason === undefined) {
        ctx.addIssue({ code: 'custom', path: ['reason'], message: 'required when status is failed' });
      }
      if (r.status !== 'failed' && (r.reason !== undefined || r.text !== undefined)) {
        ctx.addIssue({ code: 'custom', path: ['reason'], message: 'only allowed when status is failed' });
      }
      if (r.status === 'failed' && r.reason === 'other' && (r.text === undefined || r.text.trim() === '')) {
        ctx.addIssue({ code: 'custom', path: ['text'], message: 'required when reason is other' });
      }
    }),
  );
