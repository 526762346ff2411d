/** The bridge's HTTP paths (relative to PUBLIC_URL), for routes, docs and clients alike. */
export const bridgePaths = {
  me: '/bridge/v1/me',
  messages: '/bridge/v1/messages',
  message: '/bridge/v1/messages/:id',
  edit: '/bridge/v1/messages/:id/edit',
  typing: '/bridge/v1/typing',
  reactions: '/bridge/v1/reactions',
  receipts: '/bridge/v1/receipts',
  historyImports: '/bridge/v1/history-imports',
  historyImport: '/bridge/v1/history-imports/:id',
  conversation: '/bridge/v1/conversations/:id',
} as const;
