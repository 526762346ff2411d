/** The inbox's own layout; colours come from the shared page variables (page-css.ts). */
export const inboxCss = `
.inbox { display: grid; grid-template-columns: 340px 1fr; gap: 16px; padding: 16px; height: calc(100vh - 52px); }
.inbox-side, .inbox-thread { display: flex; flex-direction: column; min-height: 0; background: var(--palette-background-primary);
  border: 1px solid var(--palette-border-default); border-radius: 6px; }
.inbox-side { padding: 12px; gap: 12px; overflow: auto; }
.inbox-connection { font-size: 13px; color: var(--palette-text-secondary-dark); }
.inbox-connection[data-connected="false"] { color: var(--sandbox-danger); }
.inbox-error:empty { display: none; }
.inbox-error { padding: 6px 10px; border: 1px solid var(--sandbox-danger); border-radius: 4px; color: var(--sandbox-danger); }
.chat-list { margin: 0; padding: 0; list-style: none; }
.chat-item { display: block; width: 100%; padding: 8px 10px; margin: 0 0 4px; text-align: left; cursor: pointer;
  background: none; border: 1px solid transparent; border-radius: 4px; }
.chat-item[aria-current="true"] { border-color: var(--sandbox-accent); background: var(--sandbox-outgoing); }
.chat-item__name { font-weight: 600; }
.chat-item__last, .chat-item__meta { display: block; font-size: 12px; color: var(--palette-text-secondary-dark);
  overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.chat-item__typing { color: var(--sandbox-accent); font-style: italic; }
.write-first form, .composer { display: flex; flex-direction: column; gap: 6px; }
.write-first input, .write-first textarea, .write-first select, .composer textarea, .composer input, .composer select {
  padding: 6px 8px; border: 1px solid var(--palette-border-default); border-radius: 4px;
  background: var(--palette-background-primary); }
/* the "through number" choice: a label above its select, as the phone menu of amoCRM names each source */
.write-first-source { display: flex; flex-direction: column; gap: 4px; font-size: 12px;
  color: var(--palette-text-secondary-dark); }
.write-first-source[hidden] { display: none; }
/* a chat's source, pipeline and contact (inbox.js renders them into .chat-item__crm when it knows them) */
.chat-item__crm { display: block; font-size: 11px; color: var(--palette-text-secondary-dark); }
.thread-header { padding: 12px 16px; border-bottom: 1px solid var(--palette-border-default); }
.thread-header h2 { margin: 0; font-size: 16px; }
.thread-meta { font-size: 12px; color: var(--palette-text-secondary-dark); }
.thread-messages { flex: 1; min-height: 0; overflow: auto; margin: 0; padding: 16px; list-style: none;
  display: flex; flex-direction: column; gap: 8px; }
.thread-empty { color: var(--palette-text-secondary-dark); margin: auto; }
.message { max-width: 70%; padding: 8px 12px; border-radius: 10px; border: 1px solid var(--palette-border-default);
  background: var(--sandbox-incoming); align-self: flex-start; }
.message[data-direction="outgoing"] { align-self: flex-end; background: var(--sandbox-outgoing); }
.message__sender { font-size: 12px; font-weight: 600; }
.message__text { white-space: pre-wrap; word-break: break-word; }
.message__media img { display: block; max-width: 240px; max-height: 180px; margin: 4px 0; border-radius: 6px; }
.message__quote { margin: 0 0 4px; padding-left: 8px; border-left: 3px solid var(--palette-border-default);
  font-size: 12px; color: var(--palette-text-secondary-dark); }
.message__buttons { display: flex; flex-direction: column; gap: 4px; margin-top: 6px; }
.message__buttons span { padding: 4px 8px; border: 1px solid var(--sandbox-accent); border-radius: 4px; text-align: center;
  font-size: 13px; }
.message__footer { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin-top: 4px; font-size: 12px;
  color: var(--palette-text-secondary-dark); }
.message[data-status="error"] .message__status, .message__hook[data-state="failed"] { color: var(--sandbox-danger); }
.message[data-status="read"] .message__status { color: var(--sandbox-accent); }
.message__reactions { display: flex; gap: 4px; }
.message__reaction { padding: 0 6px; border: 1px solid var(--palette-border-default); border-radius: 10px; }
.message__actions { display: flex; gap: 2px; }
.message__actions button { padding: 0 4px; border: 0; background: none; cursor: pointer; font-size: 14px; }
.client-typing { padding: 0 16px 6px; font-style: italic; color: var(--sandbox-accent); }
.composer { padding: 12px 16px; border-top: 1px solid var(--palette-border-default); }
.composer-row, .composer-actions { display: flex; gap: 8px; align-items: center; flex-wrap: wrap; }
.composer-actions { justify-content: flex-end; }
.composer textarea { min-height: 56px; resize: vertical; }
.field-error { margin: 0; font-size: 13px; color: var(--sandbox-danger); }
.field-error:empty { display: none; }
.inbox [aria-invalid="true"] { border-color: var(--sandbox-danger); }
.inbox button:disabled { opacity: 0.6; cursor: default; }
.reply-to-preview { display: flex; justify-content: space-between; font-size: 12px;
  color: var(--palette-text-secondary-dark); }
.inbox button[type="submit"], .inbox .button-secondary { padding: 6px 14px; border-radius: 4px; cursor: pointer;
  border: 1px solid var(--sandbox-accent); }
.inbox button[type="submit"] { background: var(--sandbox-accent); color: var(--sandbox-on-accent); }
.inbox .button-secondary { background: none; color: var(--sandbox-accent); }
.inbox [hidden] { display: none !important; }
`;
