/**
 * The same text, stored in one piece. A string built by concatenation (as `crypto.randomUUID()`
 * builds its result on Node) is a tree of pieces, about 500 bytes for a UUID; reading a character
 * makes V8 join it once, in place, to about 60. Worth it for strings that are kept, such as the ids
 * and timestamps of the records a store holds; on other engines it is a harmless read.
 *
 * @internal
 */
export function flatString(text: string): string {
  text.charCodeAt(0);
  return text;
}
