import { UserError } from '../errors.js';

/** Where in the text a JSON.parse error happened, as a line number, from V8's "at position N". */
function lineOfError(text: string, message: string): number | undefined {
  const match = /position (\d+)/.exec(message);
  if (!match) return undefined;
  return lineAt(text, Number(match[1]));
}

export function lineAt(text: string, offset: number): number {
  let line = 1;
  let index = text.indexOf('\n');
  while (index !== -1 && index < offset) {
    line++;
    index = text.indexOf('\n', index + 1);
  }
  return line;
}

export function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const message = (error as Error).message;
    const trimmed = text.trimStart();
    if (trimmed.length === 0) throw new UserError('is empty; expected a Terraform plan (terraform show -json) or a Resource Graph snapshot', file);
    if (!/^[[{]/.test(trimmed)) {
      throw new UserError('is not JSON; expected a Terraform plan (terraform show -json) or a Resource Graph snapshot', file);
    }
    const truncated = /Unexpected end of JSON input|Unterminated string|end of data/i.test(message);
    const what = truncated ? 'is truncated JSON (the file ends before the document does)' : `is not valid JSON (${message.replace(/^.*?: /, '').slice(0, 120)})`;
    throw new UserError(what, file, truncated ? undefined : lineOfError(text, message));
  }
}

/**
 * Finds where each `"key": "value"` pair first appears after `from`, in one linear pass, so findings can
 * point at the resource's line. `terraform show -json` writes one line; the column then carries the place.
 */
export function locateStringValues(text: string, key: string, from = 0): Map<string, { line: number; column: number }> {
  const found = new Map<string, { line: number; column: number }>();
  const pattern = new RegExp(`"${key}"\\s*:\\s*"((?:[^"\\\\]|\\\\.)*)"`, 'g');
  pattern.lastIndex = from;
  let line = 1;
  let lineStart = 0;
  let scanned = 0;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    for (let i = text.indexOf('\n', scanned); i !== -1 && i < match.index; i = text.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
    }
    scanned = match.index;
    let value: string;
    try {
      value = JSON.parse(`"${match[1]}"`) as string;
    } catch {
      continue;
    }
    if (!found.has(value)) found.set(value, { line, column: match.index - lineStart + 1 });
  }
  return found;
}
