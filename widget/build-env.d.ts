/** Replaced at build time by vite.config.ts from WIDGET_BACKEND_URL. */
declare const __WIDGET_BACKEND_URL__: string;

/** Replaced at build time by vite.config.ts from manifest.json `widget.support.email`. */
declare const __WIDGET_SUPPORT_EMAIL__: string;
