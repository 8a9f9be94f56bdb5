/**
 * Masks secrets before anything reaches the screen or the journal: values of variables whose
 * names contain TOKEN, SECRET, PASSWORD or KEY, bearer tokens, URL passwords, and any value
 * of such a variable in runbook's own environment wherever it appears.
 */

export const MASK = '***';

const SECRET_NAME = /(TOKEN|SECRET|PASSWORD|PASSWD|KEY)/i;
// NAME=value, NAME: value, "NAME": "value", --name=value (value up to whitespace or a quote).
const ASSIGNMENT = /((?:--)?[A-Za-z_][A-Za-z0-9_-]*)(\s*[=:]\s*|"\s*:\s*")(["']?)([^\s"'&;,}]+)/g;
const BEARER = /\b(Bearer|Basic|token)(\s+)([A-Za-z0-9._~+/=-]{8,})/gi;
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)([^\s@/]+)(@)/gi;

export interface SecretMasker {
  (text: string): string;
}

/** A masker that also hides the literal values of secret-named variables in `env`. */
export function createSecretMasker(env: Record<string, string | undefined> = {}): SecretMasker {
  const literals = Object.entries(env)
    .filter(([name, value]) => SECRET_NAME.test(name) && value !== undefined && value.length >= 6)
    .map(([, value]) => value!)
    .sort((a, b) => b.length - a.length);
  return (text: string) => {
    let masked = text
      .replace(ASSIGNMENT, (whole, name: string, separator: string, quote: string, value: string) =>
        SECRET_NAME.test(name) && value !== MASK ? `${name}${separator}${quote}${MASK}` : whole,
      )
      .replace(BEARER, (_whole, scheme: string, space: string) => `${scheme}${space}${MASK}`)
      .replace(URL_PASSWORD, (_whole, head: string, _password: string, at: string) => `${head}${MASK}${at}`);
    for (const literal of literals) masked = masked.split(literal).join(MASK);
    return masked;
  };
}
