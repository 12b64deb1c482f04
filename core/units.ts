import { UnitError } from './errors.js';

/**
 * One place for every unit gw-bench accepts in scenarios and flags. Each parser takes a
 * number or a string, and names the field in its error so the user knows what to fix.
 */

const NUM = '([0-9]+(?:\\.[0-9]+)?|\\.[0-9]+)';

const DURATION_MS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const COUNT_MULT: Record<string, number> = { '': 1, k: 1e3, m: 1e6 };
const SIZE_MULT: Record<string, number> = {
  b: 1, kb: 1e3, mb: 1e6, gb: 1e9, kib: 1024, mib: 1024 ** 2, gib: 1024 ** 3,
};
const PER_SECONDS: Record<string, number> = { s: 1, sec: 1, m: 60, min: 60, h: 3600 };

function fail(field: string, value: unknown, expected: string): never {
  // JSON.stringify shows Infinity and NaN as null; say what was there.
  const shown = typeof value === 'number' && !Number.isFinite(value) ? String(value) : JSON.stringify(value);
  throw new UnitError(`${field}: ${shown} is not ${expected}`);
}

/** A digit string too long for a double ("999...9ms") parses to Infinity: refuse it (found by fuzzing). */
function finite(n: number, field: string, value: unknown, expected: string): number {
  if (!Number.isFinite(n)) fail(field, value, `${expected} (too large)`);
  return n;
}

/** Duration in milliseconds: `500ms`, `20s`, `2m`, `1h`, `250us`; a bare number is ms. */
export function parseDuration(value: unknown, field = 'duration'): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value !== 'string') fail(field, value, 'a duration like 500ms, 20s or 2m');
  const m = new RegExp(`^${NUM}\\s*(us|ms|s|m|h)$`).exec(value.trim());
  if (!m) fail(field, value, 'a duration like 500ms, 20s or 2m');
  return finite(Number(m[1]) * DURATION_MS[m[2]!]!, field, value, 'a duration like 500ms, 20s or 2m');
}

/** Count: `1k` = 1000, `100k`, `1.5m` = 1.5 million, or a plain number. Must be whole. */
export function parseCount(value: unknown, field = 'count'): number {
  let n: number;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'string') {
    const m = new RegExp(`^${NUM}\\s*([kKmM]?)$`).exec(value.trim());
    if (!m) fail(field, value, 'a count like 500, 1k or 100k');
    n = Number(m[1]) * COUNT_MULT[m[2]!.toLowerCase()]!;
  } else fail(field, value, 'a count like 500, 1k or 100k');
  if (!Number.isFinite(n) || n < 0 || Math.abs(n - Math.round(n)) > 1e-9) fail(field, value, 'a non-negative whole count');
  return Math.round(n);
}

/** Rate in requests per second: `2000/s`, `120k/min`, `50/m`, or a plain number (per second). */
export function parseRate(value: unknown, field = 'rate'): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value !== 'string') fail(field, value, 'a rate like 2000/s or 120k/min');
  const m = new RegExp(`^${NUM}\\s*([kKmM]?)\\s*/\\s*(s|sec|m|min|h)$`).exec(value.trim());
  if (!m) fail(field, value, 'a rate like 2000/s or 120k/min');
  return finite((Number(m[1]) * COUNT_MULT[m[2]!.toLowerCase()]!) / PER_SECONDS[m[3]!]!, field, value, 'a rate like 2000/s or 120k/min');
}

/** Size in bytes: `512B`, `2KB` (1000), `1MiB` (1048576), or a plain number of bytes. */
export function parseSize(value: unknown, field = 'size'): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return Math.round(value);
  if (typeof value !== 'string') fail(field, value, 'a size like 512B, 2KB or 1MiB');
  const m = new RegExp(`^${NUM}\\s*([a-zA-Z]+)$`).exec(value.trim());
  const mult = m ? SIZE_MULT[m[2]!.toLowerCase()] : undefined;
  if (!m || mult === undefined) fail(field, value, 'a size like 512B, 2KB or 1MiB');
  return finite(Math.round(Number(m[1]) * mult), field, value, 'a size like 512B, 2KB or 1MiB');
}

/** Percentage as a fraction: `0.1%` = 0.001; a bare number is already a fraction (0..1). */
export function parsePercent(value: unknown, field = 'percentage'): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= 1) return value;
  if (typeof value !== 'string') fail(field, value, 'a percentage like 0.1% (or a fraction 0..1)');
  const m = new RegExp(`^${NUM}\\s*%$`).exec(value.trim());
  if (!m || Number(m[1]) > 100) fail(field, value, 'a percentage like 0.1% (or a fraction 0..1)');
  return Number(m[1]) / 100;
}

/** Human formatting used by tables and progress output. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return 'n/a';
  if (ms >= 1000) return `${(ms / 1000).toFixed(2)}s`;
  if (ms >= 100) return `${ms.toFixed(0)}ms`;
  if (ms >= 10) return `${ms.toFixed(1)}ms`;
  return `${ms.toFixed(2)}ms`;
}

export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return 'n/a';
  const units = ['B', 'KiB', 'MiB', 'GiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return `${v >= 100 || i === 0 ? v.toFixed(0) : v.toFixed(1)}${units[i]}`;
}

export function formatCount(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return 'n/a';
  if (n >= 1e6) return `${+(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${+(n / 1e3).toFixed(1)}k`;
  return `${Math.round(n)}`;
}
