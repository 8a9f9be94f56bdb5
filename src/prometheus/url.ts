/**
 * Prometheus URLs as the operator gives them: user info in the URL is basic auth, which
 * `fetch` refuses to send from the URL itself, and which must never reach the screen, the
 * journal or a report. `maskUrl` is applied to every URL runbook prints.
 */

import { UsageError } from '../errors.js';

/** `scheme://` then the user info up to `@`, stopping at the first `/`, `?`, `#` or space. */
const USER_INFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^/?#@\s"']*)@/gi;

/**
 * Hides the password of a URL's user info (`http://admin:***@host`), or the whole user info
 * when it has no password (`https://***@host`: a lone user part is often a token). Works on
 * any text, so error messages that quote a URL are masked too.
 */
export function maskUrl(text: string): string {
  return text.replace(USER_INFO, (_match, scheme: string, userInfo: string) => {
    const colon = userInfo.indexOf(':');
    return colon === -1 ? `${scheme}***@` : `${scheme}${userInfo.slice(0, colon)}:***@`;
  });
}

export interface PrometheusEndpoint {
  /** Base URL without user info and without a trailing slash, e.g. `http://127.0.0.1:9090`. */
  base: string;
  /** The URL as shown to people: user info masked. */
  display: string;
  basicAuth?: { username: string; password: string };
}

/**
 * Splits a Prometheus base URL into where to send requests and the basic-auth credentials,
 * rejecting what is not an http(s) URL with a one-line message.
 */
export function parsePrometheusUrl(text: string): PrometheusEndpoint {
  let url: URL;
  try {
    url = new URL(text.trim());
  } catch {
    const hint = /^[\w.-]+:\d+(\/|$)/.test(text.trim()) ? `did you mean http://${text.trim()}?` : 'give one such as http://127.0.0.1:9090';
    throw new UsageError(`Prometheus URL "${maskUrl(text)}" is not a URL: ${hint}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new UsageError(`Prometheus URL "${maskUrl(text)}" must start with http:// or https://`);
  }
  const basicAuth = url.username || url.password ? { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) } : undefined;
  url.username = '';
  url.password = '';
  url.hash = '';
  const base = url.toString().replace(/\/+$/, '');
  return { base, display: maskUrl(text.trim()).replace(/\/+$/, ''), basicAuth };
}
