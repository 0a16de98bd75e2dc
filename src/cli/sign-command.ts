import { parseArgs } from 'node:util';
import { SIGN_SCHEMES } from '../verify/sign-scheme.js';
import { twilioBodyUrl } from '../verify/twilio.js';
import { isJsonBytes, readData } from './data.js';
import { type CliIo, UsageError } from './io.js';
import {
  FORM,
  hasBodyHash,
  resolveScheme,
  resolveSigning,
  resolveUrl,
  SIGNING_HELP,
  SIGNING_OPTIONS,
  schemesWith,
  signDelivery,
} from './signing.js';

/** The text of `hookflow sign --help`. */
export const SIGN_HELP = `Usage: hookflow sign <scheme> --secret <secret> [options]

Prints, as a JSON object, the headers a sender using <scheme> would send with a body:
the signature over its exact bytes, and the timestamp and delivery id where the
scheme has them. Send those headers with the same bytes to test a trigger.

Schemes: ${SIGN_SCHEMES.join(', ')}

Options:
  --data <body>      the body: inline text, @<file> (read as bytes) or @- (standard
                     input); without --data, standard input is read
  --url <url>        the URL the delivery is sent to, which square and twilio sign
                     (required by them, refused by the others)
${SIGNING_HELP}
  -h, --help         show this help

twilio signs a form body with the URL; a body that parses as JSON is signed through
the bodySHA256 the URL must carry.

Examples:
  hookflow sign github --secret "$GITHUB_WEBHOOK_SECRET" --data @event.json
  hookflow sign stripe --secret whsec_test --timestamp 1700000000 --data '{"id":"evt_1"}'
  echo -n 'From=%2B15551234567&Body=hi' | hookflow sign twilio --secret "$TOKEN" \\
    --url https://example.com/sms

Exit codes: 0 success, 2 bad usage (including an unreadable --data file).
`;

/** `hookflow sign`: prints the headers that sign a body the way a scheme's sender does. */
export async function runSign(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      ...SIGNING_OPTIONS,
      data: { type: 'string' },
      url: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
    allowPositionals: true,
  });
  if (values.help) {
    io.stdout.write(SIGN_HELP);
    return 0;
  }
  if (positionals.length > 1) {
    throw new UsageError(`expected one scheme, received ${positionals.length} arguments`);
  }
  const signing = resolveSigning(resolveScheme(positionals[0]), values);
  const { scheme, traits } = signing;
  if (values.url !== undefined && !traits.signsUrl) {
    throw new UsageError(
      `--url is not used by ${scheme} (only by ${schemesWith((t) => t.signsUrl)})`,
    );
  }
  if (traits.signsUrl && values.url === undefined) {
    throw new UsageError(`${scheme} signs the URL the delivery is sent to: --url is required`);
  }
  const url = values.url === undefined ? undefined : resolveUrl(values.url, '--url');
  const body = await readData(values.data, io, 'stdin');
  let contentType: string | undefined;
  if (scheme === 'twilio' && url !== undefined) {
    contentType = isJsonBytes(body) ? 'application/json' : FORM;
    if (contentType !== FORM && !hasBodyHash(url)) {
      throw new UsageError(
        `twilio signs a JSON body through the URL's bodySHA256: use --url '${await twilioBodyUrl(url, body)}'`,
      );
    }
  }
  const headers = await signDelivery(signing, body, url, contentType);
  io.stdout.write(`${JSON.stringify(headers, null, 2)}\n`);
  return 0;
}
