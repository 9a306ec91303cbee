import { describe, expect, it } from 'vitest';
import { splitCommands, wordSource, type ShellCommand } from '../../src/inputs/pipelines/shell-words.js';

function words(command: ShellCommand): string[] {
  return command.words.map(wordSource);
}

describe('shell words', () => {
  it('joins backslash-newline continuations and keeps the line each command starts on', () => {
    const commands = splitCommands('echo start\naz acr build \\\n  --registry acr1 \\\n  --image app:1 .\necho done\n');
    expect(commands.map(words)).toEqual([['echo', 'start'], ['az', 'acr', 'build', '--registry', 'acr1', '--image', 'app:1', '.'], ['echo', 'done']]);
    expect(commands.map((command) => command.line)).toEqual([1, 2, 5]);
    expect(commands[1]!.words[4]!.line).toBe(3);
  });

  it('removes quotes the way the shell does', () => {
    const [command] = splitCommands(`az acr build -r 'my acr' --image "app:\\"x\\"" a\\ b`);
    expect(command!.words.map((word) => word.parts.map((part) => ('text' in part ? part.text : '?')).join(''))).toEqual(['az', 'acr', 'build', '-r', 'my acr', '--image', 'app:"x"', 'a b']);
  });

  it('keeps expansions as parts, named', () => {
    const [command] = splitCommands('az acr build -r "$ACR" --agent-pool ${POOL:-x} --image $(date +%s)-`id -u` .');
    const expansions = command!.words.flatMap((word) => word.parts.filter((part) => 'expansion' in part).map((part) => (part as { expansion: string }).expansion));
    expect(expansions).toEqual(['ACR', 'POOL', '$(date +%s)', '`id -u`']);
  });

  it('splits on separators, skips comments, redirections and here-documents', () => {
    const script = [
      '# az acr build -r commented .',
      'set -e; az acr run -r a . && echo ok || exit 1 # trailing',
      'cat <<EOF > out.txt',
      'az acr build -r inheredoc .',
      'EOF',
      'az acr build -r b . 2>&1 | tee log',
    ].join('\n');
    expect(splitCommands(script).map(words)).toEqual([['set', '-e'], ['az', 'acr', 'run', '-r', 'a', '.'], ['echo', 'ok'], ['exit', '1'], ['cat'], ['az', 'acr', 'build', '-r', 'b', '.'], ['tee', 'log']]);
    expect(splitCommands(script).at(-2)!.line).toBe(6);
  });

  it('reads PowerShell backtick continuations and cmd carets', () => {
    expect(splitCommands('az acr build `\n  -r acr1 `\n  .', 'powershell').map(words)).toEqual([['az', 'acr', 'build', '-r', 'acr1', '.']]);
    const ps = splitCommands('az acr build -r $env:ACR --agent-pool $pool .', 'powershell')[0]!;
    expect(ps.words.flatMap((word) => word.parts.filter((part) => 'expansion' in part).map((part) => (part as { expansion: string }).expansion))).toEqual(['ACR', 'pool']);
    expect(splitCommands('REM az acr build\naz acr build ^\n -r %ACR% .', 'cmd').map(words)).toEqual([['az', 'acr', 'build', '-r', '%ACR%', '.']]);
  });

  it('treats an unterminated quote as running to the end, without throwing', () => {
    expect(() => splitCommands('az acr build -r "acr1 .\n')).not.toThrow();
  });
});
