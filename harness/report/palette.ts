/** Colours: one per implementation (colour-blind-safe Okabe-Ito order), so every chart agrees. */
const IMPL_COLOURS = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000'];

export const GREY = '#9e9e9e';
export const LIMIT_RED = '#c62828';

/**
 * Fixed colours for the implementations gw-bench ships, keyed by name, so a reader learns
 * "Java is vermillion" once and it holds in every chart, every report and the README.
 */
export const FIXED_IMPL_COLOURS: Readonly<Record<string, string>> = {
  reference: '#0072B2',
  'go-nethttp': '#009E73',
  'java-spring-cloud-gateway': '#D55E00',
  'python-fastapi': '#E69F00',
  nginx: '#CC79A7',
};
const SPARE_COLOURS = ['#56B4E9', '#000000', '#8C564B', '#7F7F7F', '#BCBD22', '#17BECF'];

/** The name a colour is keyed by: the label without an engine tag (" [autocannon]"). */
export function colourKey(label: string): string {
  return label.replace(/\s*\[[^\]]*\]$/, '');
}

/**
 * One colour per result label: a shipped implementation's fixed colour, other labels (or a
 * second result with the same name) the unused spare colours in order. Pure, so every chart
 * of one report computes the same mapping.
 */
export function implColours(labels: readonly string[]): string[] {
  const used = new Set<string>();
  const out: Array<string | null> = labels.map((l) => {
    const c = FIXED_IMPL_COLOURS[colourKey(l)];
    if (c === undefined || used.has(c)) return null;
    used.add(c);
    return c;
  });
  const spare = [...SPARE_COLOURS, ...IMPL_COLOURS].filter((c) => !used.has(c) && !Object.values(FIXED_IMPL_COLOURS).includes(c));
  let k = 0;
  return out.map((c) => c ?? spare[k++ % spare.length]!);
}

/** Colour of the i-th of `results` (by label, see implColours). */
export function colourOf(results: ReadonlyArray<{ label: string }>, i: number): string {
  return implColours(results.map((r) => r.label))[i]!;
}

/** Colour of the i-th series where no implementation is involved (e.g. a soak's RSS and p99). */
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
