/**
 * Masks secrets before anything reaches the screen or the journal: values of variables whose
 * names contain TOKEN, SECRET, PASSWORD or KEY, bearer tokens, URL passwords, and any value
 * of such a variable in the steps' environment wherever it appears — also in the forms a
 * server echoes it back (base64 of `user:password` for basic auth, base64, URL-encoded).
 *
 * Linear in the text (issue #9: a 1 MB hex line took minutes): every pattern starts only at
 * the beginning of a word (a lookbehind) and consumes its name atomically (`(?=(…))\1`), so
 * no position is scanned more than a bounded number of times.
 */

export const MASK = '***';

const SECRET_NAME = /(TOKEN|SECRET|PASSWORD|PASSWD|KEY)/i;
// NAME=value, NAME: value, "NAME": "value", --name=value. A quoted value runs to its closing
// quote (spaces and all); a bare one up to whitespace or a separator.
const ASSIGNMENT = /(?<![A-Za-z0-9_-])(?=((?:--)?[A-Za-z_][A-Za-z0-9_-]*))\1(?=([ \t]*[=:][ \t]*|"[ \t]*:[ \t]*"))\2(?:"([^"\n]*)"|'([^'\n]*)'|([^\s"'&;,}]+))/g;
// --password hunter2, --token abc: an option named like a secret (checked on the match), its value the next word.
const OPTION = /(?<![A-Za-z0-9-])(?=(--[A-Za-z0-9-]+))\1(?=([ \t]+))\2(?!-)("[^"\n]*"|'[^'\n]*'|[^\s"'&;|]+)/g;
const SECRET_OPTION_NAME = /token|secret|password|passwd|key/i;
const BEARER = /(?<![A-Za-z0-9_])(Bearer|Basic|token)(?=([ \t]+))\2(?!-)([A-Za-z0-9._~+/=-]{8,})/gi;
const URL_PASSWORD = /(?<![a-z0-9+.-])(?=([a-z][a-z0-9+.-]*:\/\/))\1(?=([^\s:/@]+:))\2(?=([^\s@/]+))\3@/gi;
// user:password@ inside any value (a URL in the environment): its password and base64 form are secrets.
const URL_USER_INFO = /[a-z][a-z0-9+.-]*:\/\/([^/?#@\s"':]*):([^/?#@\s"']*)@/gi;

/** Literal values shorter than this are not masked everywhere: too likely to be ordinary text. */
const MIN_LITERAL = 6;

export interface SecretMasker {
  (text: string): string;
}

/** Whether a variable (or parameter) of this name holds a secret. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/**
 * A masker that also hides the literal values of secret-named variables in `env`, the
 * passwords of URLs in any of its values, `extraSecrets` (a webhook URL, whose name says
 * nothing; a Prometheus URL's basic auth), and each of those in base64 and URL-encoded form.
 */
export function createSecretMasker(env: Record<string, string | undefined> = {}, extraSecrets: string[] = []): SecretMasker {
  const secrets = new Set(extraSecrets);
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (isSecretName(name)) secrets.add(value);
    for (const [, user, password] of value.matchAll(URL_USER_INFO))
      secrets
        .add(`${safeDecode(user!)}:${safeDecode(password!)}`)
        .add(safeDecode(password!))
        .add(password!);
  }
  const literals = [...new Set([...secrets].flatMap(encodedForms))].filter((literal) => literal.length >= MIN_LITERAL).sort((a, b) => b.length - a.length);
  return (text: string) => {
    let masked = text
      .replace(ASSIGNMENT, (whole, name: string, separator: string, doubleQuoted?: string, singleQuoted?: string, bare?: string) => {
        const value = doubleQuoted ?? singleQuoted ?? bare ?? '';
        if (!isSecretName(name) || value === MASK || value === '') return whole;
        const quote = doubleQuoted !== undefined ? '"' : singleQuoted !== undefined ? "'" : '';
        return `${name}${separator}${quote}${MASK}${quote}`;
      })
      .replace(OPTION, (whole, option: string, space: string, value: string) => (!SECRET_OPTION_NAME.test(option) || value === MASK ? whole : `${option}${space}${MASK}`))
      .replace(BEARER, (_whole, scheme: string, space: string) => `${scheme}${space}${MASK}`)
      .replace(URL_PASSWORD, (_whole, scheme: string, user: string) => `${scheme}${user}${MASK}@`);
    for (const literal of literals) if (masked.includes(literal)) masked = masked.split(literal).join(MASK);
    return masked;
  };
}

/** A secret as it may come back: itself, base64 (basic auth echoes `user:password` so), URL-encoded. */
function encodedForms(secret: string): string[] {
  const base64 = Buffer.from(secret, 'utf8').toString('base64');
  return [secret, base64, base64.replace(/=+$/, ''), Buffer.from(secret, 'utf8').toString('base64url'), encodeURIComponent(secret)];
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

/**
 * Masks every string in an event (deeply), so what the journal and every listener get has
 * no secret in any field — measurements and messages included, not only the step output.
 */
export function maskEvent<T>(event: T, mask: SecretMasker): T {
  return maskValue(event, mask, 0) as T;
}

function maskValue(value: unknown, mask: SecretMasker, depth: number): unknown {
  if (typeof value === 'string') return mask(value);
  if (depth > 32 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => maskValue(item, mask, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, maskValue(item, mask, depth + 1)]));
}
