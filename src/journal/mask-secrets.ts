/**
 * Masks secrets before anything reaches the screen or the journal: values of variables whose
 * names contain TOKEN, SECRET, PASSWORD or KEY, bearer tokens, URL passwords, and any value
 * of such a variable in the steps' environment wherever it appears.
 */

export const MASK = '***';

const SECRET_NAME = /(TOKEN|SECRET|PASSWORD|PASSWD|KEY)/i;
// NAME=value, NAME: value, "NAME": "value", --name=value. A quoted value runs to its closing
// quote (spaces and all); a bare one up to whitespace or a separator.
const ASSIGNMENT = /((?:--)?[A-Za-z_][A-Za-z0-9_-]*)(\s*[=:]\s*|"\s*:\s*")(?:"([^"\n]*)"|'([^'\n]*)'|([^\s"'&;,}]+))/g;
// --password hunter2, --token abc: an option named like a secret, its value the next word.
const SECRET_OPTION = /(--[A-Za-z0-9-]*(?:token|secret|password|passwd|key)[A-Za-z0-9-]*)(\s+)(?!-)("[^"\n]*"|'[^'\n]*'|[^\s"'&;|]+)/gi;
const BEARER = /\b(Bearer|Basic|token)(\s+)(?!-)([A-Za-z0-9._~+/=-]{8,})/gi;
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)([^\s@/]+)(@)/gi;

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
 * A masker that also hides the literal values of secret-named variables in `env`, and the
 * `secrets` given (a webhook URL, whose name says nothing).
 */
export function createSecretMasker(env: Record<string, string | undefined> = {}, secrets: string[] = []): SecretMasker {
  const literals = [
    ...Object.entries(env)
      .filter(([name, value]) => isSecretName(name) && value !== undefined && value.length >= MIN_LITERAL)
      .map(([, value]) => value!),
    ...secrets.filter((secret) => secret.length >= MIN_LITERAL),
  ].sort((a, b) => b.length - a.length);
  return (text: string) => {
    let masked = text
      .replace(ASSIGNMENT, (whole, name: string, separator: string, doubleQuoted?: string, singleQuoted?: string, bare?: string) => {
        const value = doubleQuoted ?? singleQuoted ?? bare ?? '';
        if (!isSecretName(name) || value === MASK || value === '') return whole;
        const quote = doubleQuoted !== undefined ? '"' : singleQuoted !== undefined ? "'" : '';
        return `${name}${separator}${quote}${MASK}${quote}`;
      })
      .replace(SECRET_OPTION, (whole, option: string, space: string, value: string) => (value === MASK ? whole : `${option}${space}${MASK}`))
      .replace(BEARER, (_whole, scheme: string, space: string) => `${scheme}${space}${MASK}`)
      .replace(URL_PASSWORD, (_whole, head: string, _password: string, at: string) => `${head}${MASK}${at}`);
    for (const literal of literals) masked = masked.split(literal).join(MASK);
    return masked;
  };
}
