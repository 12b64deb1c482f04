import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';

export interface ConfigWatcher { close(): void }

/**
 * Call `onChange` once a config file has settled after changes. Watches the directory,
 * not the file: editors and atomic writers replace the file by rename, which would
 * leave a file watch attached to the old inode. Debounced because one save is often
 * several events (truncate, write, rename).
 */
export function watchConfigFile(file: string, onChange: () => void, debounceMs = 100): ConfigWatcher {
  const full = resolve(file);
  const name = basename(full);
  let timer: NodeJS.Timeout | null = null;
  const w: FSWatcher = watch(dirname(full), { persistent: false }, (_event, changed) => {
    if (changed !== null && changed.toString() !== name) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => { timer = null; onChange(); }, debounceMs);
  });
  w.on('error', () => { /* directory gone: nothing left to watch */ });
  return { close: () => { if (timer) clearTimeout(timer); w.close(); } };
}
