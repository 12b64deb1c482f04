// Moved to core/prng.ts; this re-export goes once harness/accuracy (being written) has switched.
export * from '../core/prng.js';
