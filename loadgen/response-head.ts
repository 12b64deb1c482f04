/**
 * The head of an HTTP/1.1 response, read straight from the bytes: status code, framing
 * (content-length or chunked) and keep-alive. No strings are made on the way: at 100k
 * responses a second, turning each head into a string, slicing it into lines and
 * lowercasing the names cost about a tenth of the generator's CPU (cpu-prof: parseHead,
 * StringIndexOf, StringSubstring, StringToLowerCase). Only `content-length`, `connection`
 * and `transfer-encoding` are looked at; every other header is skipped.
 */

export interface ResponseHead {
  status: number;
  keepAlive: boolean;
  /** Declared content-length, -1 when absent (may be beyond a safe integer: the caller checks when it uses it). */
  length: number;
  chunked: boolean;
  /** Why the head is malformed ('' when it is not). */
  error: string;
}

const enum C { CR = 13, LF = 10, COLON = 58, ZERO = 48, NINE = 57 }

const bytes = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'latin1'));
const HTTP1 = bytes('HTTP/1.');
const CONTENT_LENGTH = bytes('content-length');
const CONNECTION = bytes('connection');
const TRANSFER_ENCODING = bytes('transfer-encoding');
const CLOSE = bytes('close');
const KEEP_ALIVE = bytes('keep-alive');
const CHUNKED = bytes('chunked');

/** Index of the next "\r\n" in [from, to), or -1. */
export function crlf(buf: Uint8Array, from: number, to: number): number {
  for (let i = from + 1; i < to; i++) if (buf[i] === C.LF && buf[i - 1] === C.CR) return i - 1;
  return -1;
}

/** ASCII letter of a lowercase pattern, matched in either case; any other byte exactly. */
function sameByte(b: number, p: number): boolean {
  return b === p || (p >= 97 && p <= 122 && b === p - 32);
}

/** Whether buf[at, at + len) is `name`, letters in any case. */
function isName(buf: Uint8Array, at: number, len: number, name: Uint8Array): boolean {
  if (len !== name.length) return false;
  for (let k = 0; k < len; k++) if (!sameByte(buf[at + k]!, name[k]!)) return false;
  return true;
}

/** Whether buf[from, to) contains `word`, letters in any case. */
function contains(buf: Uint8Array, from: number, to: number, word: Uint8Array): boolean {
  outer: for (let i = from; i + word.length <= to; i++) {
    for (let k = 0; k < word.length; k++) if (!sameByte(buf[i + k]!, word[k]!)) continue outer;
    return true;
  }
  return false;
}

/** The whitespace String.prototype.trim removes, within latin1. */
const isSpace = (b: number): boolean => b === 32 || (b >= 9 && b <= 13) || b === 160;

const quoted = (buf: Buffer, from: number, to: number, max: number): string => JSON.stringify(buf.toString('latin1', from, Math.min(to, from + max)));

/**
 * Parse the head that starts at `off`. Returns the index just past its blank line, or -1
 * when the head is not complete within `len` bytes (nothing is kept: call again with more).
 * `out` gets the head's fields; `out.error` is set when it is malformed.
 */
export function parseResponseHead(buf: Buffer, off: number, len: number, out: ResponseHead): number {
  const statusEnd = crlf(buf, off, len);
  if (statusEnd < 0) return -1;
  let length = -1;
  let chunked = false;
  let keepAlive: boolean | null = null;
  let headerError = '';
  let ls = statusEnd + 2;
  for (;;) {
    const le = crlf(buf, ls, len);
    if (le < 0) return -1;
    if (le === ls) break; // the blank line
    const first = buf[ls]! | 0x20;
    // Only content-length, connection and transfer-encoding matter (c... and t...).
    if ((first === 99 || first === 116) && headerError === '') {
      let colon = ls;
      while (colon < le && buf[colon] !== C.COLON) colon++;
      const nameLen = colon - ls;
      if (colon < le && nameLen > 0) {
        if (isName(buf, ls, nameLen, CONTENT_LENGTH)) {
          let vs = colon + 1;
          let ve = le;
          while (vs < ve && isSpace(buf[vs]!)) vs++;
          while (ve > vs && isSpace(buf[ve - 1]!)) ve--;
          // Strict digits, one value: "-5", "1e3", "0x10" or two different lengths mean a
          // broken (or smuggling) server.
          let v = vs < ve ? 0 : -1;
          for (let i = vs; i < ve && v >= 0; i++) {
            const d = buf[i]!;
            v = d >= C.ZERO && d <= C.NINE ? v * 10 + (d - C.ZERO) : -1;
          }
          if (v < 0 || (length >= 0 && v !== length)) headerError = `bad content-length ${quoted(buf, vs, ve, 20)}`;
          else length = v;
        } else if (isName(buf, ls, nameLen, TRANSFER_ENCODING)) {
          chunked = contains(buf, colon + 1, le, CHUNKED);
        } else if (isName(buf, ls, nameLen, CONNECTION)) {
          if (contains(buf, colon + 1, le, CLOSE)) keepAlive = false;
          else if (contains(buf, colon + 1, le, KEEP_ALIVE)) keepAlive = true;
        }
      }
    }
    ls = le + 2;
  }
  // "HTTP/1.1 200 OK": the code is always at 9..12.
  let ok = statusEnd - off >= 12 && buf[off + 8] === 32;
  for (let k = 0; ok && k < HTTP1.length; k++) ok = buf[off + k] === HTTP1[k];
  let status = 0;
  for (let k = 9; ok && k < 12; k++) {
    const d = buf[off + k]!;
    ok = d >= C.ZERO && d <= C.NINE;
    status = status * 10 + (d - C.ZERO);
  }
  if (!ok || status < 100) out.error = `bad status line ${quoted(buf, off, statusEnd, 40)}`;
  else if (headerError !== '') out.error = headerError;
  else out.error = '';
  out.status = status;
  // HTTP/1.1 defaults to keep-alive, 1.0 to close
  out.keepAlive = keepAlive ?? buf[off + 7] === 49;
  out.length = length;
  out.chunked = chunked;
  return ls + 2;
}
