/** Colours: one per implementation (colour-blind-safe Okabe-Ito order), so every chart agrees. */
const IMPL_COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];

export const GREY = '#9e9e9e';
export const LIMIT_RED = '#c62828';

/** Colour of the i-th implementation. */
export function implColour(i: number): string {
  return IMPL_COLOURS[i % IMPL_COLOURS.length]!;
}

/** Same colour with an alpha channel (for fills). */
export function withAlpha(hex: string, alpha: number): string {
  const n = parseInt(hex.slice(1), 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

// Deliberately unlike the implementation colours: a bar's colour is its error kind, its position its implementation.
const KIND_COLOURS = ['#8e24aa', '#c62828', '#6d4c41', '#f9a825', '#00838f', '#ad1457', '#283593', '#9e9d24', '#546e7a', '#4e342e'];

/** Colour of the i-th error kind. */
export function kindColour(i: number): string {
  return KIND_COLOURS[i % KIND_COLOURS.length]!;
}
