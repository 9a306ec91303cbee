import type { Stats } from 'node:fs';

/**
 * Every file this run read (inputs, the config, rule packs, the baseline, .tf sources), by device and inode,
 * so a report is never written over one of them, whatever path, symlink or hard link names it. Kept per
 * process: the CLI reads and then writes once; forgetFilesRead starts a new run (tests run many in one
 * process).
 */
const filesRead = new Map<string, string>();

function identity(stats: Pick<Stats, 'dev' | 'ino'>): string {
  return `${stats.dev}:${stats.ino}`;
}

export function noteFileRead(stats: Pick<Stats, 'dev' | 'ino'>, shownAs: string): void {
  if (!filesRead.has(identity(stats))) filesRead.set(identity(stats), shownAs);
}

/** How the run named the file these stats describe, if it read it. */
export function readAs(stats: Pick<Stats, 'dev' | 'ino'>): string | undefined {
  return filesRead.get(identity(stats));
}

export function forgetFilesRead(): void {
  filesRead.clear();
}
