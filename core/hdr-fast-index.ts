import * as hdr from 'hdr-histogram-js';

/**
 * A faster bucket index for hdr-histogram-js's JS histograms. Its countsArrayIndex uses
 * Math.log2, Math.pow and Math.floor per recorded value; profiling a saturated generator
 * worker put ~28% of its busy CPU in recording (each request is recorded into five or six
 * histograms). For whole values below 2^31 (every µs figure under 35 minutes) the same
 * index comes from integer operations: floor(log2(v)) = 31 - clz32(v), and
 * floor(v / 2^k) = v >>> k. Anything else goes to the library's own code, so results are
 * identical (test/core/hdr-fast-index.test.ts compares both over a wide range).
 */

interface IndexFields {
  subBucketHalfCountMagnitude: number;
  unitMagnitude: number;
  subBucketHalfCount: number;
}

type Proto = { countsArrayIndex(this: IndexFields, value: number): number };
const proto = (hdr.JsHistogram as unknown as { prototype: Proto }).prototype;
const original = proto.countsArrayIndex;

/** The integer-only index (same formula as the library's getBucketIndex / getSubBucketIndex / computeCountsArrayIndex). */
export function fastCountsArrayIndex(this: IndexFields, value: number): number {
  if ((value | 0) !== value || value < 0) return original.call(this, value);
  const shift = this.subBucketHalfCountMagnitude + this.unitMagnitude;
  const log2 = 31 - Math.clz32(value | 1); // value 0 and 1 both land in bucket 0
  const bucket = log2 > shift ? log2 - shift : 0;
  const sub = value >>> (bucket + this.unitMagnitude);
  return (bucket + 1) * (1 << this.subBucketHalfCountMagnitude) + sub - this.subBucketHalfCount;
}

/** The library's own index, for comparison in tests. */
export const libraryCountsArrayIndex = original;

let installed = false;
/** Use the fast index for every JS histogram of this process (idempotent). */
export function installFastIndex(): void {
  if (installed) return;
  installed = true;
  proto.countsArrayIndex = fastCountsArrayIndex;
}
