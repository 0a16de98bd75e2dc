import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { type PathEntry, type PathsOptions, pathsFromJson, pathsFromUrl } from '../parse/index.js';
import { type CliIo, readText, UsageError } from './io.js';

export const PATHS_HELP = `Usage: hookflow paths (--url <url> | --json <file> | --json -) [options]

Lists the variable paths of an example request: its query (--url) or its JSON body
(--json, from a file or "-" for standard input), as request.query / request.body
field paths for a trigger.

Options:
  --url <url>        an example URL, query string ("?a=1" or "a=1")
  --json <file|->    an example JSON body, from a file or standard input
  --format <f>       lines (default): one path per line
                     json: the entries as a JSON array (examples of scalars only)
                     table: path, type and example in columns
  --arrays <mode>    index (default): every element; first: only [0];
                     merge: the union of all elements under [0]
  --max-depth <n>    the deepest nesting accepted (default 256)
  -h, --help         show this help

Examples:
  hookflow paths --url 'http://localhost:13000/api/webhook:trigger/1hfmkioou0d?query[0][a]=1'
  hookflow paths --json order.json --format table
  curl -s https://example.com/sample.json | hookflow paths --json -

Exit codes: 0 success, 1 bad input (the example), 2 bad usage.
`;

const FORMATS = ['lines', 'json', 'table'] as const;
const ARRAYS = ['index', 'first', 'merge'] as const;

function oneOf<T extends string>(
  option: string,
  value: string | undefined,
  allowed: readonly T[],
): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) {
    throw new UsageError(`--${option} must be one of ${allowed.join(', ')}, received "${value}"`);
  }
  return value as T;
}

function isContainer(entry: PathEntry): boolean {
  return entry.type === 'object' || entry.type === 'array';
}

function summary(entry: PathEntry): string {
  const count = (n: number, noun: string) => `${n} ${noun}${n === 1 ? '' : 's'}`;
  if (entry.type === 'array') return `[${count((entry.example as unknown[]).length, 'item')}]`;
  if (entry.type === 'object')
    return `{${count(Object.keys(entry.example as object).length, 'key')}}`;
  const text = JSON.stringify(entry.example) ?? '';
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
}

function format(entries: PathEntry[], as: (typeof FORMATS)[number]): string {
  if (as === 'json') {
    const out = entries.map((e) => (isContainer(e) ? { path: e.path, type: e.type } : e));
    return `${JSON.stringify(out, null, 2)}\n`;
  }
  if (entries.length === 0) return '';
  if (as === 'lines') return `${entries.map((e) => e.path).join('\n')}\n`;
  const rows = [['PATH', 'TYPE', 'EXAMPLE'], ...entries.map((e) => [e.path, e.type, summary(e)])];
  const widths = [0, 1].map((column) =>
    Math.max(...rows.map((row) => (row[column] as string).length)),
  );
  return `${rows.map((row) => row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i] as number) : cell)).join('  ')).join('\n')}\n`;
}

/** `hookflow paths`: prints the variable paths of an example URL or JSON body. */
export async function runPaths(args: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      url: { type: 'string' },
      json: { type: 'string' },
      format: { type: 'string' },
      arrays: { type: 'string' },
      'max-depth': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    io.stdout.write(PATHS_HELP);
    return 0;
  }
  if ((values.url === undefined) === (values.json === undefined)) {
    throw new UsageError('give exactly one of --url <url> or --json <file|->');
  }
  const as = oneOf('format', values.format, FORMATS) ?? 'lines';
  const options: PathsOptions = {};
  const arrays = oneOf('arrays', values.arrays, ARRAYS);
  if (arrays) options.arrays = arrays;
  if (values['max-depth'] !== undefined) {
    if (!/^[1-9]\d*$/.test(values['max-depth'])) {
      throw new UsageError(
        `--max-depth must be a positive integer, received "${values['max-depth']}"`,
      );
    }
    options.maxDepth = Number(values['max-depth']);
  }
  let entries: PathEntry[];
  if (values.url !== undefined) {
    entries = pathsFromUrl(values.url, options);
  } else {
    const source = values.json as string;
    const text = source === '-' ? await readText(io.stdin) : await readFile(source, 'utf8');
    // Editors on some systems start files with a byte order mark; it is not part of the JSON.
    entries = pathsFromJson(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text, options);
  }
  io.stdout.write(format(entries, as));
  return 0;
}
