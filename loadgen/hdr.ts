// Moved to core/hdr.ts (shared by generator, harness and report); this re-export goes once
// the last importer (harness/accuracy, being written) has switched.
export * from '../core/hdr.js';
