import pkg from '../../package.json' with { type: 'json' };
import { type CliIo, UsageError } from './io.js';
import { LISTEN_HELP, runListen } from './listen-command.js';
import { PATHS_HELP, runPaths } from './paths-command.js';
import { runSend, SEND_HELP } from './send-command.js';
import { runSign, SIGN_HELP } from './sign-command.js';

export type { CliIo } from './io.js';

const HELP = `Usage: hookflow <command> [options]

Commands:
  paths    list the variable paths of an example URL or JSON body
  sign     print the headers that sign a body the way a sender does
  send     send a delivery, signed if asked, and print the response
  listen   print every request a sender makes, with its variable paths

Run "hookflow <command> --help" for a command's options.
Options: -h, --help (this help), -v, --version (the version)
`;

const COMMANDS: Record<
  string,
  { run: (args: string[], io: CliIo) => Promise<number>; help: string }
> = {
  paths: { run: runPaths, help: PATHS_HELP },
  sign: { run: runSign, help: SIGN_HELP },
  send: { run: runSend, help: SEND_HELP },
  listen: { run: runListen, help: LISTEN_HELP },
};

function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0] ?? message;
}

/**
 * Runs the `hookflow` command line with `argv` (without `node` and the script path).
 *
 * @returns the exit code: 0 success, 1 bad input, a failed delivery or a non-2xx answer, 2 bad
 *   usage.
 */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined) {
    io.stderr.write(HELP);
    return 2;
  }
  if (name === '-h' || name === '--help') {
    io.stdout.write(HELP);
    return 0;
  }
  if (name === '-v' || name === '--version') {
    io.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  if (name === 'help') {
    if (args[0] === undefined) {
      io.stdout.write(HELP);
      return 0;
    }
    const command = COMMANDS[args[0]];
    if (!command) {
      io.stderr.write(`hookflow: unknown command "${args[0]}". Run "hookflow --help".\n`);
      return 2;
    }
    io.stdout.write(command.help);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    io.stderr.write(`hookflow: unknown command "${name}". Run "hookflow --help".\n`);
    return 2;
  }
  try {
    return await command.run(args, io);
  } catch (error) {
    const usage =
      error instanceof UsageError ||
      (error instanceof TypeError &&
        String((error as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS'));
    io.stderr.write(
      usage
        ? `hookflow ${name}: ${oneLine(error)}. Run "hookflow ${name} --help".\n`
        : `hookflow ${name}: ${oneLine(error)}\n`,
    );
    return usage ? 2 : 1;
  }
}
