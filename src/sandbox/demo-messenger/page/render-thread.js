import { renderMessage } from './render-message.js';

/** What a bubble shows; a message whose signature is unchanged keeps its element (and an open reaction picker). */
const signatures = new WeakMap();

/**
 * Renders the conversation's messages into `thread`, reusing unchanged bubbles so images do not reload and the
 * view stays where the reader left it, unless they were at the bottom, where it follows new messages.
 */
export function renderThread(thread, conversation, handlers) {
  const atBottom = thread.scrollHeight - thread.scrollTop - thread.clientHeight < 40;
  const lastBefore = thread.lastElementChild?.dataset.messageId;
  const existing = new Map();
  for (const element of thread.children) existing.set(element.dataset.messageId, element);
  const wanted = [];
  for (const message of conversation?.messages ?? []) {
    const signature = JSON.stringify(message);
    const reuse = existing.get(message.id);
    if (reuse && signatures.get(reuse) === signature) {
      wanted.push(reuse);
      continue;
    }
    const element = renderMessage(message, handlers);
    signatures.set(element, signature);
    wanted.push(element);
  }
  const changed =
    wanted.length !== thread.children.length || wanted.some((element, i) => thread.children[i] !== element);
  if (changed) thread.replaceChildren(...wanted);
  if (atBottom || thread.lastElementChild?.dataset.messageId !== lastBefore) thread.scrollTop = thread.scrollHeight;
}
