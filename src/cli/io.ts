/** Where a command writes, and the exit codes it returns: shared by main and every command module. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
  /** Severity colours only for a terminal (NO_COLOR and FORCE_COLOR decide otherwise). */
  stdoutIsTTY?: boolean;
  /** The environment: PATH (to find terraform), NO_COLOR, FORCE_COLOR, GITHUB_WORKSPACE. Default: process.env. */
  env?: Readonly<Record<string, string | undefined>>;
  /** `scan -`: the bytes piped in. Default: read file descriptor 0 to its end. */
  readStdin?: () => Buffer;
  stdinIsTTY?: boolean;
}

export const EXIT_OK = 0;
export const EXIT_FINDINGS = 1;
export const EXIT_ERROR = 2;
