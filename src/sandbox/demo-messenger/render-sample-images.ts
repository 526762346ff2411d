import { Resvg } from '@resvg/resvg-js';

export interface SampleImage {
  name: string;
  png: Buffer;
}

// Shapes only: resvg would need system fonts for text, and the pictures only have to be real, distinct PNGs.
const scenes: Record<string, string> = {
  'sample-1.png': `
    <rect width="480" height="320" fill="#fdb45c"/>
    <circle cx="240" cy="230" r="90" fill="#f2612d"/>
    <rect y="230" width="480" height="90" fill="#2d5f8b"/>
    <rect x="140" y="250" width="200" height="6" rx="3" fill="#f9c784" opacity="0.7"/>`,
  'sample-2.png': `
    <rect width="480" height="320" fill="#cfe8fc"/>
    <polygon points="0,320 150,110 300,320" fill="#5b7f95"/>
    <polygon points="170,320 330,80 480,320" fill="#3f5c6e"/>
    <polygon points="300,140 330,80 360,140" fill="#ffffff"/>
    <rect y="290" width="480" height="30" fill="#6ba368"/>`,
  'sample-3.png': `
    <rect width="480" height="320" fill="#2b2d42"/>
    <circle cx="140" cy="160" r="80" fill="#ef233c" opacity="0.85"/>
    <rect x="220" y="70" width="170" height="170" rx="24" fill="#8d99ae" opacity="0.9"/>
    <polygon points="300,280 360,180 420,280" fill="#edf2f4"/>`,
};

/** A few small pictures the "client" can send; rendered once at start-up so every link to them downloads. */
export function renderSampleImages(): SampleImage[] {
  return Object.entries(scenes).map(([name, shapes]) => {
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="480" height="320" viewBox="0 0 480 320">${shapes}</svg>`;
    return { name, png: new Resvg(svg).render().asPng() };
  });
}
