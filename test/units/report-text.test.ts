import { describe, expect, it } from 'vitest';
import { jsonText } from '../../src/reporters/json-text.js';
import { markdownCode, markdownProse, markdownText } from '../../src/reporters/markdown-text.js';
import { escapeUnsafe, terminalLines, terminalText, visibleEscape } from '../../src/reporters/terminal-text.js';
import { xmlAttr, xmlText } from '../../src/reporters/xml-text.js';
import { htmlId, htmlText } from '../../src/reporters/html/html-text.js';

/** Text from a pull request as each report writes it: visible, inert, and exactly what the input said. */
describe('terminal text', () => {
  it('shows each unsafe character as an escape a reader sees', () => {
    expect(visibleEscape('\n')).toBe('\\n');
    expect(visibleEscape('\r')).toBe('\\r');
    expect(visibleEscape('\t')).toBe('\\t');
    expect(visibleEscape('\u001b')).toBe('\\x1b');
    expect(visibleEscape('\u0000')).toBe('\\x00');
    expect(visibleEscape('\u00ff')).toBe('\\xff');
    expect(visibleEscape('\u0100')).toBe('\\u0100');
    expect(visibleEscape('\u202e')).toBe('\\u202e');
    expect(visibleEscape('\uffff')).toBe('\\uffff');
    expect(visibleEscape('\u{10000}')).toBe('\\u{10000}');
    expect(visibleEscape('\u{e0041}')).toBe('\\u{e0041}');
  });
  it('one line: every control escaped; several lines: line breaks and tabs kept', () => {
    const hostile = 'a\u001b[31mred\u0007\r\n\tb\u202ec\u2028d\u0085e\ufeff\u{e0041}\ud800x';
    expect(terminalText(hostile)).toBe('a\\x1b[31mred\\x07\\r\\n\\tb\\u202ec\\u2028d\\x85e\\ufeff\\u{e0041}\\ud800x');
    expect(terminalLines(hostile)).toBe('a\\x1b[31mred\\x07\\r\n\tb\\u202ec\\u2028d\\x85e\\ufeff\\u{e0041}\\ud800x');
    expect(escapeUnsafe('plain text, ünïcödé, 日本, 😀')).toBe('plain text, ünïcödé, 日本, 😀');
    // the same pattern twice in a row: no state left over between calls
    expect(terminalText('\u001b')).toBe('\\x1b');
    expect(terminalText('\u001b')).toBe('\\x1b');
    expect(escapeUnsafe('x\u001by', '\u001b')).toBe('x\u001by');
  });
});

describe('JSON text', () => {
  it('the same values, with no unsafe character raw in the bytes', () => {
    const value = { name: 'a\u007fb\u0085c\u202ed\u2028e\u2029f\ufeffg\u{e0041}h\u061ci\u200ej\ufffek', plain: 'ok', n: 1 };
    const text = jsonText(value);
    expect(text).toBe('{"name":"a\\u007fb\\u0085c\\u202ed\\u2028e\\u2029f\\ufeffg\\udb40\\udc41h\\u061ci\\u200ej\\ufffek","plain":"ok","n":1}');
    expect(JSON.parse(text)).toEqual(value);
    expect(jsonText({ a: [1] }, 2)).toBe('{\n  "a": [\n    1\n  ]\n}');
  });
});

describe('XML text', () => {
  it('element content: markup as entities, layout kept, controls visible', () => {
    expect(xmlText(`<a href="x">&'\t\n\r\u001b</a>`)).toBe(`&lt;a href="x"&gt;&amp;'\t\n\\r\\x1b&lt;/a&gt;`);
  });
  it('attribute values: quotes, tabs and line breaks as references too', () => {
    expect(xmlAttr(`<a b="c" d='e'>&\t\n\r\uffff`)).toBe('&lt;a b=&quot;c&quot; d=&apos;e&apos;&gt;&amp;&#9;&#10;\\r\\uffff');
  });
});

describe('HTML text', () => {
  it('markup characters as entities, every control visible, line breaks included', () => {
    expect(htmlText(`<script>alert('x' & "y")</script>\n\u202e`)).toBe('&lt;script&gt;alert(&#39;x&#39; &amp; &quot;y&quot;)&lt;/script&gt;\\n\\u202e');
  });
  it('fragment ids keep only safe characters, and stay distinct', () => {
    expect(htmlId('rule', 'AZF-PUB-001')).toBe('rule-AZF-PUB-001');
    expect(htmlId('r', 'a b"<c_')).toBe('r-a_20_b_22__3c_c_');
    expect(htmlId('r', 'a.b')).not.toBe(htmlId('r', 'a_b'));
  });
});

describe('Markdown text', () => {
  it('inline markup, HTML, mentions, references and autolinks are inert', () => {
    expect(markdownText('*bold* _it_ `code` [x](y) ![i](j) ~s~ $m$ {b} a|b \\ !')).toBe('\\*bold\\* \\_it\\_ \\`code\\` \\[x\\](y) \\!\\[i\\](j) \\~s\\~ \\$m\\$ \\{b\\} a\\|b \\\\ \\!');
    expect(markdownText('<b>&amp;</b>')).toBe('&lt;b>&amp;amp;&lt;/b>');
    expect(markdownText('hi @octocat and #12 and GH-7 and #x')).toBe('hi @&#8203;octocat and #&#8203;12 and GH-&#8203;7 and #x');
    expect(markdownText('see https://evil.example and WWW.evil.example')).toBe('see https:&#8203;//evil.example and WWW&#8203;.evil.example');
    // a line break shows as \n: the visible escape's backslash is itself escaped for Markdown
    expect(markdownText('line\nbreak')).toBe('line\\\\nbreak');
  });
  it('a block cannot start at the beginning of a list item', () => {
    expect(markdownText('# heading')).toBe('\\# heading');
    expect(markdownText('> quote')).toBe('\\> quote');
    expect(markdownText('- item')).toBe('\\- item');
    expect(markdownText('+ item')).toBe('\\+ item');
    expect(markdownText('= x')).toBe('\\= x');
    expect(markdownText('12. item')).toBe('12\\. item');
    expect(markdownText('3) item')).toBe('3\\) item');
    expect(markdownText(' indented')).toBe('&#32;indented');
    expect(markdownText('a # b 1. c')).toBe('a # b 1. c');
  });
  it('code spans fence past the backticks inside, padded where needed, with | escaped', () => {
    expect(markdownCode('az acr update')).toBe('`az acr update`');
    expect(markdownCode('a`b')).toBe('``a`b``');
    expect(markdownCode('a``b`c')).toBe('```a``b`c```');
    expect(markdownCode('`start')).toBe('`` `start ``');
    expect(markdownCode('end`')).toBe('`` end` ``');
    expect(markdownCode('')).toBe('` `'.replace(' ', '  '));
    expect(markdownCode(' both ')).toBe('`  both  `');
    expect(markdownCode(' left')).toBe('` left`');
    expect(markdownCode('a|b')).toBe('`a\\|b`');
  });
  it('prose: single-backtick parts as code, the rest as text; an unpaired backtick leaves all text', () => {
    expect(markdownProse('Run `az acr update --name *x*` on #1 now')).toBe('Run `az acr update --name *x*` on #&#8203;1 now');
    expect(markdownProse('# Set `a` then `b`')).toBe('\\# Set `a` then `b`');
    expect(markdownProse('- x `a` - y')).toBe('\\- x `a` - y');
    expect(markdownProse('odd ` tick *x*')).toBe('odd \\` tick \\*x\\*');
    expect(markdownProse('double ``x`` stays')).toBe('double \\`\\`x\\`\\` stays');
  });
});
