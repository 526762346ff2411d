/** Replaced at build time by vite.config.ts from WIDGET_BACKEND_URL. */
declare const __WIDGET_BACKEND_URL__: string;
