import { isIPv4, isIPv6 } from 'node:net';
import type { CidrRange } from './feature-types.js';

/** An address as [family, bigint], or null when it is neither IPv4 nor IPv6. IPv4-mapped IPv6 counts as IPv4. */
export function addressValue(addr: string): [4 | 6, bigint] | null {
  const a = addr.startsWith('::ffff:') && isIPv4(addr.slice(7)) ? addr.slice(7) : addr;
  if (isIPv4(a)) return [4, a.split('.').reduce((acc, o) => (acc << 8n) | BigInt(Number(o)), 0n)];
  if (!isIPv6(a)) return null;
  const [head, tail] = a.includes('::') ? a.split('::') as [string, string] : [a, null];
  const parts = (s: string): string[] => (s === '' ? [] : s.split(':'));
  let words = parts(head);
  let tailWords = tail === null ? [] : parts(tail);
  // A trailing dotted quad (::ffff:1.2.3.4 style) is two words.
  const expand = (ws: string[]): string[] => ws.flatMap((w) => (w.includes('.') ? (() => { const v = addressValue(w)![1]; return [(v >> 16n).toString(16), (v & 0xffffn).toString(16)]; })() : [w]));
  words = expand(words);
  tailWords = expand(tailWords);
  const fill = tail === null ? [] : new Array<string>(8 - words.length - tailWords.length).fill('0');
  return [6, [...words, ...fill, ...tailWords].reduce((acc, w) => (acc << 16n) | BigInt(parseInt(w, 16)), 0n)];
}

/** Parse `10.0.0.0/8` or `fd00::/8` for `region`; a message instead of a range when invalid. */
export function parseCidr(text: string, region: string): CidrRange | string {
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  const v = addressValue(addr);
  if (!v) return 'is not an IPv4 or IPv6 range like 10.1.0.0/16';
  const max = v[0] === 4 ? 32 : 128;
  const prefix = slash < 0 ? max : Number(text.slice(slash + 1));
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max) return `has a prefix length outside 0..${max}`;
  const mask = prefixMask(prefix, max);
  return Object.freeze({ region, family: v[0], network: v[1] & mask, prefix });
}

function prefixMask(prefix: number, max: number): bigint {
  return prefix === 0 ? 0n : ((1n << BigInt(prefix)) - 1n) << BigInt(max - prefix);
}

/** The region of the longest range containing `addr` (ranges are sorted longest prefix first), or null. */
export function matchCidr(ranges: readonly CidrRange[], addr: string): string | null {
  const v = addressValue(addr);
  if (!v) return null;
  for (const r of ranges) {
    if (r.family !== v[0]) continue;
    if ((v[1] & prefixMask(r.prefix, r.family === 4 ? 32 : 128)) === r.network) return r.region;
  }
  return null;
}
