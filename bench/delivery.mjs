/**
 * The delivery bench/http and bench/cpu send to every handler: a 1 KB JSON body, the Basic
 * credentials of the Basic-auth variants and the GitHub secret of the signed ones.
 */
import { signGithub } from 'hookflow/verify';

export const USERNAME = 'bench';
export const PASSWORD = 'correct horse battery staple';
export const SECRET = "It's a Secret to Everybody";
export const AUTHORIZATION = `Basic ${Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64')}`;

/** A push-like JSON event of exactly 1024 bytes (ASCII). */
function makeBody() {
  const base = { ref: 'refs/heads/main', repository: { full_name: 'acme/app' }, padding: '' };
  const padding = 1024 - JSON.stringify(base).length;
  return JSON.stringify({ ...base, padding: 'x'.repeat(padding) });
}
export const BODY = makeBody();

/** The request headers of the two kinds of variants: Basic auth, and GitHub-signed. */
export async function deliveryHeaders() {
  return {
    basic: { 'content-type': 'application/json', authorization: AUTHORIZATION },
    signed: {
      'content-type': 'application/json',
      'x-github-event': 'push',
      'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958',
      ...(await signGithub(SECRET, BODY)),
    },
  };
}
