import type { z } from 'zod/mini';
import type { bridgeContactHint } from './bridge-contact-hint';
import type { bridgeConversationStatus } from './bridge-conversation-status';
import type { bridgeConversation, bridgeMessageRef, bridgeSender, bridgeTimestamp } from './bridge-fields';
import type { bridgeHistoryImportRequest, bridgeHistoryMessage } from './bridge-history-import-request';
import type { bridgeMessageContent } from './bridge-message-content';
import type {
  bridgeEditRequest,
  bridgeForward,
  bridgeMessageRequest,
  bridgePost,
  bridgeReactionRequest,
  bridgeTypingRequest,
} from './bridge-message-request';
import type {
  bridgeConversationStartedEvent,
  bridgeMessageEvent,
  bridgeOutboundContent,
  bridgeOutboundEmbedded,
  bridgeOutboundEvent,
  bridgeReactionEvent,
  bridgeTestEvent,
  bridgeTypingEvent,
} from './bridge-outbound-event';
import type { bridgeReceiptRequest } from './bridge-receipt-request';
import type { bridgeAccepted, bridgeErrorBody, bridgeHistoryImportStatus } from './bridge-responses';

export { bridgeContactHint, bridgeContactStates } from './bridge-contact-hint';
export { bridgeConversationStatus } from './bridge-conversation-status';
export {
  type BridgeDeliveryResponse,
  bridgeDeliveryResponse,
  parseBridgeDeliveryResponse,
} from './bridge-delivery-response';
export {
  bridgeConversation,
  bridgeId,
  bridgeIdMaxLength,
  bridgeMessageRef,
  bridgeSender,
  bridgeSource,
  bridgeText,
  bridgeTimestamp,
  bridgeTimestampToMillis,
  bridgeUrl,
} from './bridge-fields';
export {
  bridgeHistoryBatchMax,
  bridgeHistoryImportRequest,
  bridgeHistoryMessage,
} from './bridge-history-import-request';
export { bridgeMessageContent, bridgeMessageTypes } from './bridge-message-content';
export {
  bridgeEditRequest,
  bridgeForward,
  bridgeMessageRequest,
  bridgePost,
  bridgeReactionRequest,
  bridgeTypingRequest,
} from './bridge-message-request';
export {
  bridgeConversationStartedEvent,
  bridgeMessageEvent,
  bridgeOutboundContent,
  bridgeOutboundEmbedded,
  bridgeOutboundEvent,
  bridgeReactionEvent,
  bridgeTestEvent,
  bridgeTypingEvent,
} from './bridge-outbound-event';
export { bridgePaths } from './bridge-paths';
export {
  type BridgeFailureReason,
  bridgeFailureReasons,
  bridgeFailureTextMaxLength,
  bridgeReceiptRequest,
} from './bridge-receipt-request';
export {
  type BridgeErrorCode,
  bridgeAccepted,
  bridgeErrorBody,
  bridgeErrorCodes,
  bridgeHistoryImportStatus,
} from './bridge-responses';

export type BridgeConversation = z.infer<typeof bridgeConversation>;
export type BridgeContactHint = z.infer<typeof bridgeContactHint>;
export type BridgeContactState = BridgeConversationStatus['contact']['state'];
export type BridgeConversationStatus = z.infer<typeof bridgeConversationStatus>;
export type BridgeMessageRef = z.infer<typeof bridgeMessageRef>;
export type BridgeSender = z.infer<typeof bridgeSender>;
export type BridgeTimestamp = z.infer<typeof bridgeTimestamp>;
export type BridgeMessageContent = z.infer<typeof bridgeMessageContent>;
export type BridgeMessageType = BridgeMessageContent['type'];
export type BridgeForward = z.infer<typeof bridgeForward>;
export type BridgePost = z.infer<typeof bridgePost>;
export type BridgeMessageRequest = z.infer<typeof bridgeMessageRequest>;
export type BridgeEditRequest = z.infer<typeof bridgeEditRequest>;
export type BridgeTypingRequest = z.infer<typeof bridgeTypingRequest>;
export type BridgeReactionRequest = z.infer<typeof bridgeReactionRequest>;
export type BridgeReceiptRequest = z.infer<typeof bridgeReceiptRequest>;
export type BridgeHistoryMessage = z.infer<typeof bridgeHistoryMessage>;
export type BridgeHistoryImportRequest = z.infer<typeof bridgeHistoryImportRequest>;
export type BridgeAccepted = z.infer<typeof bridgeAccepted>;
export type BridgeErrorBody = z.infer<typeof bridgeErrorBody>;
export type BridgeHistoryImportStatus = z.infer<typeof bridgeHistoryImportStatus>;
export type BridgeOutboundContent = z.infer<typeof bridgeOutboundContent>;
export type BridgeOutboundEmbedded = z.infer<typeof bridgeOutboundEmbedded>;
export type BridgeMessageEvent = z.infer<typeof bridgeMessageEvent>;
export type BridgeConversationStartedEvent = z.infer<typeof bridgeConversationStartedEvent>;
export type BridgeTypingEvent = z.infer<typeof bridgeTypingEvent>;
export type BridgeReactionEvent = z.infer<typeof bridgeReactionEvent>;
export type BridgeTestEvent = z.infer<typeof bridgeTestEvent>;
export type BridgeOutboundEvent = z.infer<typeof bridgeOutboundEvent>;
export type BridgeOutboundEventType = BridgeOutboundEvent['type'];
export { bridgeMe } from './bridge-me';
export type BridgeMe = z.infer<typeof import('./bridge-me').bridgeMe>;
export { bridgeMessageStatus } from './bridge-message-status';
export type BridgeMessageStatus = z.infer<typeof import('./bridge-message-status').bridgeMessageStatus>;
