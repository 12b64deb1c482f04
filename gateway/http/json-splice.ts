/**
 * Whether an upstream body may be spliced into a JSON answer as it is. An object or array
 * is recognised by its first and last non-blank bytes (`{...}`, `[...]`), without parsing:
 * the contract's upstreams answer objects, and a full parse costs about as much as the
 * parse + stringify the splice replaces. Any other body (a scalar, or bytes that are no
 * object or array) is fully parsed, so a non-JSON answer is still refused. What this does
 * not catch: a body with matching outer brackets and broken insides, which the client
 * then receives as is (an upstream bug passed through, not one the gateway makes).
 */
export function looksLikeJson(body: Buffer): boolean {
  let a = 0;
  let b = body.length - 1;
  while (a <= b && isBlank(body[a]!)) a++;
  while (b >= a && isBlank(body[b]!)) b--;
  if (a > b) return false;
  const first = body[a]!;
  const last = body[b]!;
  if ((first === 0x7b && last === 0x7d) || (first === 0x5b && last === 0x5d)) return true;
  try { JSON.parse(body.toString('utf8')); return true; } catch { return false; }
}

function isBlank(c: number): boolean { return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09; }
