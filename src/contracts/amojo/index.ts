import type { z } from 'zod/mini';
import type { connectRequest, connectResponse, disconnectRequest } from './connect';
import type { createChatRequest, createChatResponse } from './create-chat';
import type { deliveryStatusRequest } from './delivery-status';
import type { amojoErrorBody, emulatorErrorBody } from './error-body';
import type { historyMessage, historyQuery, historyResponse } from './history';
import type {
  editDeliveryStatus,
  editMessageContent,
  embeddedMessage,
  embeddedUser,
  messageContact,
  messageContent,
  messageLocation,
  messagePost,
  sharedPost,
} from './message-content';
import type {
  editMessagePayload,
  editMessageRequest,
  messageEventRequest,
  newMessagePayload,
  newMessageRequest,
  newMessageResponse,
} from './message-event';
import type { participant, participantProfile } from './participant';
import type { reactRequest } from './react';
import type { source } from './source';
import type { typingRequest } from './typing';

export { type FormattedIssue, formatIssues } from '../format-issues';
export { connectRequest, connectResponse, disconnectRequest } from './connect';
export { createChatRequest, createChatResponse } from './create-chat';
export { deliveryErrorCode, deliveryStatusCode, deliveryStatusRequest } from './delivery-status';
export { amojoErrorBody, emulatorErrorBody, issueDetail } from './error-body';
export { historyMessage, historyQuery, historyResponse } from './history';
export {
  editDeliveryStatus,
  editMessageContent,
  embeddedMessage,
  embeddedUser,
  type MessageType,
  messageContact,
  messageContent,
  messageLocation,
  messagePost,
  messageType,
  sharedPost,
} from './message-content';
export {
  editMessagePayload,
  editMessageRequest,
  messageEventRequest,
  newMessagePayload,
  newMessageRequest,
  newMessageResponse,
} from './message-event';
export { participant, participantProfile } from './participant';
export { reactRequest } from './react';
export { source, sourceExternalId } from './source';
export { typingRequest } from './typing';
export {
  type AmojoWebhook,
  type CommentReplyHook,
  type HookPost,
  hookEmbeddedMessage,
  hookMarkup,
  hookMessageContent,
  hookPost,
  hookTemplate,
  type MessageHook,
  messageHook,
  parseAmojoWebhook,
  type ReactionHook,
  reactionHook,
  type TypingHook,
  typingHook,
} from './webhook';

export type ConnectRequest = z.infer<typeof connectRequest>;
export type ConnectResponse = z.infer<typeof connectResponse>;
export type DisconnectRequest = z.infer<typeof disconnectRequest>;
export type CreateChatRequest = z.infer<typeof createChatRequest>;
export type CreateChatResponse = z.infer<typeof createChatResponse>;
export type DeliveryStatusRequest = z.infer<typeof deliveryStatusRequest>;
export type AmojoErrorBody = z.infer<typeof amojoErrorBody>;
export type EmulatorErrorBody = z.infer<typeof emulatorErrorBody>;
/** Parsed query (numbers, defaults applied); `HistoryQueryInput` is what may be handed in (strings from a URL). */
export type HistoryQuery = z.infer<typeof historyQuery>;
export type HistoryQueryInput = z.input<typeof historyQuery>;
export type HistoryMessage = z.infer<typeof historyMessage>;
export type HistoryResponse = z.infer<typeof historyResponse>;
export type MessageContent = z.infer<typeof messageContent>;
export type EditMessageContent = z.infer<typeof editMessageContent>;
export type EditDeliveryStatus = z.infer<typeof editDeliveryStatus>;
export type EmbeddedMessage = z.infer<typeof embeddedMessage>;
export type EmbeddedUser = z.infer<typeof embeddedUser>;
export type MessageLocation = z.infer<typeof messageLocation>;
export type MessageContact = z.infer<typeof messageContact>;
export type MessagePost = z.infer<typeof messagePost>;
export type SharedPost = z.infer<typeof sharedPost>;
export type NewMessagePayload = z.infer<typeof newMessagePayload>;
export type NewMessageRequest = z.infer<typeof newMessageRequest>;
export type EditMessagePayload = z.infer<typeof editMessagePayload>;
export type EditMessageRequest = z.infer<typeof editMessageRequest>;
export type MessageEventRequest = z.infer<typeof messageEventRequest>;
export type NewMessageResponse = z.infer<typeof newMessageResponse>;
export type Participant = z.infer<typeof participant>;
export type ParticipantProfile = z.infer<typeof participantProfile>;
export type ReactRequest = z.infer<typeof reactRequest>;
export type Source = z.infer<typeof source>;
export type TypingRequest = z.infer<typeof typingRequest>;
