/**
 * Bytes of a note file → text runbook can parse: UTF-8 only (a binary or mis-encoded file
 * is refused, not guessed at), byte-order mark dropped, CRLF/CR line endings made `\n` so
 * scripts run the same whatever editor saved the note. Line numbers are unchanged.
 */

export type DecodeResult = { ok: true; text: string } | { ok: false; reason: string };

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeNote(bytes: Uint8Array): DecodeResult {
  if (bytes.subarray(0, 8192).includes(0)) return { ok: false, reason: 'is a binary file, not a markdown note' };
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return { ok: false, reason: 'is not UTF-8 text: save it as UTF-8' };
  }
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  return { ok: true, text: text.replace(/\r\n?/g, '\n') };
}
