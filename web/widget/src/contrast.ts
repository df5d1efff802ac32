// WCAG 2 contrast: the configured colour is used as given only where its text
// reaches AA (4.5:1); elsewhere a darker shade of it is used.

export type Rgb = [number, number, number];

export const AA_TEXT = 4.5;
const WHITE: Rgb = [255, 255, 255];
const INK: Rgb = [17, 24, 28];

export function parseHex(hex: string): Rgb {
  const value = Number.parseInt(hex.slice(1), 16);
  return [(value >> 16) & 255, (value >> 8) & 255, value & 255];
}

export function toHex([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((c) => Math.round(c).toString(16).padStart(2, "0")).join("")}`;
}

function channel(value: number): number {
  const c = value / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

export function luminance([r, g, b]: Rgb): number {
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

export function contrast(a: Rgb, b: Rgb): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

/** White or near-black, whichever reads better on the background. */
export function textOn(background: Rgb): Rgb {
  return contrast(WHITE, background) >= contrast(INK, background) ? WHITE : INK;
}

/** The colour, darkened step by step until it reaches `ratio` against `surface`. */
export function darkenUntil(color: Rgb, surface: Rgb, ratio = AA_TEXT): Rgb {
  let shade: Rgb = [...color];
  for (let step = 0; step < 40 && contrast(shade, surface) < ratio; step += 1) {
    shade = shade.map((c) => Math.floor(c * 0.92)) as Rgb; // whole values: as drawn
  }
  return shade;
}

export interface Palette {
  brand: string;
  onBrand: string;
  /** The brand colour as text, links and focus rings on light surfaces. */
  accent: string;
}

/**
 * Colours from the configured one: used as the background of the launcher,
 * header, send button and the visitor's bubbles with white or near-black text,
 * whichever reaches AA; a mid-tone where neither does is darkened under white.
 */
export function palette(hex: string, surface = "#f3f5f6"): Palette {
  let brand = parseHex(hex);
  let onBrand = textOn(brand);
  if (contrast(onBrand, brand) < AA_TEXT) {
    brand = darkenUntil(brand, WHITE);
    onBrand = WHITE;
  }
  return {
    brand: toHex(brand),
    onBrand: toHex(onBrand),
    accent: toHex(darkenUntil(parseHex(hex), parseHex(surface))),
  };
}
