/**
 * Errors a user can act on: a file that is not what azfence expected, a bad flag, a broken policy.
 * They are printed as one line (`azfence: error: file:line: problem`) and make the run exit 2;
 * anything else reaching the top is an internal error.
 */
export class UserError extends Error {
  constructor(
    readonly problem: string,
    readonly file?: string,
    readonly line?: number,
  ) {
    super(file ? `${file}${line ? `:${line}` : ''}: ${problem}` : problem);
    this.name = 'UserError';
  }
}

/** Makes a message safe to print on one line: no newlines, bounded length. */
export function oneLine(text: string, max = 300): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}
