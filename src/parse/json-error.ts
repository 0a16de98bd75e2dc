/**
 * A malformed JSON example: a `SyntaxError` that says where.
 *
 * @example
 * ```ts
 * try {
 *   pathsFromJson('{"a": 1,}');
 * } catch (error) {
 *   if (error instanceof JsonSyntaxError) console.error(error.message); // names line and column
 * }
 * ```
 */
export class JsonSyntaxError extends SyntaxError {
  /** Offset of the first offending character, from 0. */
  readonly position: number;
  /** Line of the offending character, from 1. */
  readonly line: number;
  /** Column of the offending character, from 1. */
  readonly column: number;

  /**
   * @param text - the JSON text that failed to parse.
   * @param position - where it failed.
   * @param cause - the parser's own error.
   */
  constructor(text: string, position: number, cause?: unknown) {
    let line = 1;
    let lineStart = 0;
    for (let i = text.indexOf('\n'); i !== -1 && i < position; i = text.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
    }
    const column = position - lineStart + 1;
    const found = position >= text.length ? 'end of input' : JSON.stringify(text.charAt(position));
    super(
      `Invalid JSON at line ${line} column ${column} (position ${position}): unexpected ${found}`,
      {
        cause,
      },
    );
    this.name = 'JsonSyntaxError';
    this.position = position;
    this.line = line;
    this.column = column;
  }
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
// biome-ignore lint/suspicious/noControlCharactersInRegex: RFC 8259 §7 forbids raw U+0000–U+001F in strings.
const STRING = /"(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*"/y;
const LITERAL = /true|false|null/y;

/**
 * Finds the offset of the first JSON syntax error in `text` (only called once `JSON.parse` has
 * failed, to report a position on every engine). Iterative, so nesting depth cannot overflow.
 */
export function findJsonErrorPosition(text: string): number {
  let i = 0;
  const skip = () => {
    while (i < text.length && WS.has(text.charCodeAt(i))) i++;
  };
  const token = (pattern: RegExp) => {
    pattern.lastIndex = i;
    if (!pattern.test(text)) return false;
    i = pattern.lastIndex;
    return true;
  };
  // Each open container: its closing char and whether a value/key is expected next.
  const stack: ('}' | ']')[] = [];
  let expectValue = true;
  for (;;) {
    skip();
    if (expectValue) {
      const c = text[i];
      if (c === '{' || c === '[') {
        stack.push(c === '{' ? '}' : ']');
        i++;
        skip();
        if (text[i] === stack.at(-1)) {
          stack.pop();
          i++;
          expectValue = false;
          continue;
        }
        if (c === '{') {
          if (!token(STRING)) return i;
          skip();
          if (text[i] !== ':') return i;
          i++;
        }
        continue;
      }
      if (!(token(STRING) || token(NUMBER) || token(LITERAL))) return i;
      expectValue = false;
      continue;
    }
    if (stack.length === 0) return i < text.length ? i : -1;
    const close = stack.at(-1);
    if (text[i] === close) {
      stack.pop();
      i++;
      continue;
    }
    if (text[i] !== ',') return i;
    i++;
    expectValue = true;
    if (close === '}') {
      skip();
      if (!token(STRING)) return i;
      skip();
      if (text[i] !== ':') return i;
      i++;
    }
  }
}

/**
 * `JSON.parse` that throws a {@link JsonSyntaxError} with line, column and position.
 */
export function parseJsonText(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (cause) {
    const position = findJsonErrorPosition(text);
    throw new JsonSyntaxError(text, position === -1 ? text.length : position, cause);
  }
}
