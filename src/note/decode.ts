/**
 * Bytes of a note file → text runbook can parse: UTF-8 only (a binary or mis-encoded file
 * is refused, not guessed at), byte-order mark dropped, CRLF/CR line endings made `\n` so
 * scripts run the same whatever editor saved the note. Line numbers are unchanged.
 */

export type DecodeResult = { ok: true; text: string } | { ok: false; reason: string; line: number };

const utf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeNote(bytes: Uint8Array): DecodeResult {
  if (looksLikeUtf16(bytes)) return { ok: false, line: 1, reason: 'UTF-16 text, not UTF-8: save it as UTF-8, e.g. iconv -f utf-16 -t utf-8 FILE > FILE.utf8' };
  const nul = bytes.subarray(0, 8192).indexOf(0);
  if (nul !== -1) return { ok: false, line: lineAt(bytes, nul), reason: 'binary data (a NUL byte), not a markdown note: give the .md note itself' };
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    const byte = bytes[offset]?.toString(16).padStart(2, '0') ?? '';
    return {
      ok: false,
      line: lineAt(bytes, offset),
      reason: `not UTF-8 text (byte 0x${byte}): save the note as UTF-8, e.g. iconv -f latin1 -t utf-8 FILE > FILE.utf8`,
    };
  }
  if (text.startsWith('\uFEFF')) text = text.slice(1);
  return { ok: true, text: text.replace(/\r\n?/g, '\n') };
}

/**
 * A UTF-16 file (Windows editors save so): a UTF-16 byte-order mark, or text whose every
 * other byte is NUL — which the NUL check would otherwise call binary.
 */
function looksLikeUtf16(bytes: Uint8Array): boolean {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) return true;
  const sample = bytes.subarray(0, 512);
  if (sample.length < 4) return false;
  let evenNul = 0;
  let oddNul = 0;
  for (let i = 0; i < sample.length; i++) if (sample[i] === 0) i % 2 === 0 ? evenNul++ : oddNul++;
  const half = Math.floor(sample.length / 2);
  // ASCII as UTF-16: one of the two byte lanes is (almost) all NUL, the other (almost) none.
  return Math.max(evenNul, oddNul) >= half * 0.9 && Math.min(evenNul, oddNul) <= half * 0.1;
}

/** 1-based line of a byte offset. */
function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) if (bytes[i] === 0x0a) line += 1;
  return line;
}

/** Offset of the first byte that does not start a valid UTF-8 sequence (RFC 3629), -1 when all do. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    if (lead < 0x80) {
      i += 1;
      continue;
    }
    const length = lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (length === 0 || i + length > bytes.length) return i;
    const second = bytes[i + 1]!;
    // Overlong forms, UTF-16 surrogates and code points above U+10FFFF are invalid too.
    const [low, high] = lead === 0xe0 ? [0xa0, 0xbf] : lead === 0xed ? [0x80, 0x9f] : lead === 0xf0 ? [0x90, 0xbf] : lead === 0xf4 ? [0x80, 0x8f] : [0x80, 0xbf];
    if (second < low || second > high) return i;
    for (let k = 2; k < length; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    i += length;
  }
  return -1;
}
