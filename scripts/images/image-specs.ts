/** The logo files amoCRM requires and their exact pixel sizes (integrations/structure.md, requirements.md §3.1). */
export const logoSpecs = [
  { file: 'logo.png', width: 130, height: 100 },
  { file: 'logo_main.png', width: 400, height: 272 },
  { file: 'logo_medium.png', width: 240, height: 84 },
  { file: 'logo_min.png', width: 84, height: 84 },
  { file: 'logo_small.png', width: 108, height: 108 },
] as const;

/** Tour images are 1188x616 (requirements.md §4.3), one set per locale because their text must match the locale. */
export const tourSize = { width: 1188, height: 616 } as const;

export const tourSlides = [1, 2, 3] as const;

export type TourSlide = (typeof tourSlides)[number];

export function tourFile(slide: TourSlide, locale: string): string {
  return `tour_${slide}_${locale}.png`;
}

/** The platform's per-image limit (integrations/structure.md). */
export const maxImageBytes = 300 * 1024;
