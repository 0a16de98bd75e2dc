/**
 * The same text, stored in one piece. A string built by concatenation is a tree of its pieces
 * (Node's `crypto.randomUUID()` result is about 500 bytes of them); reading a character makes V8
 * join it once, in place. Worth it for text that is kept and shared, such as the part of every
 * timestamp up to the second; on other engines it is a harmless read.
 *
 * @internal
 */
export function flatString(text: string): string {
  text.charCodeAt(0);
  return text;
}
