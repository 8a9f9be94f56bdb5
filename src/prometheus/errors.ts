/**
 * What can go wrong talking to Prometheus, as one typed error. `transient` failures (no
 * connection, a timeout, a 5xx) are worth retrying; the rest (a bad query, a refused
 * token, an answer that is not from Prometheus) are not.
 */

import { ExitCode, RunbookError } from '../errors.js';

export type PrometheusErrorKind =
  /** No connection, a reset, a cut-off answer. */
  | 'unreachable'
  /** No answer within the per-request timeout. */
  | 'timeout'
  /** An HTTP error status without Prometheus' error envelope. */
  | 'http'
  /** Prometheus' own error envelope: `status: "error"`, `errorType`, `error`. */
  | 'api'
  /** 401 or 403. */
  | 'auth'
  /** HTML, garbage JSON, JSON of another API: the URL is probably not Prometheus. */
  | 'not-prometheus';

export class PrometheusError extends RunbookError {
  readonly kind: PrometheusErrorKind;
  readonly transient: boolean;
  readonly status?: number;
  /** Prometheus' `errorType` (`bad_data`, `timeout`, `execution`, …), for `kind: 'api'`. */
  readonly errorType?: string;
  /** Attempts made, retries included, when the client gave up. */
  readonly attempts?: number;

  constructor(message: string, details: { kind: PrometheusErrorKind; transient: boolean; status?: number; errorType?: string; attempts?: number; cause?: unknown }) {
    // Not being able to ask Prometheus means recovery is not shown: the verification exit code.
    super(message, ExitCode.verifyFailed, { cause: details.cause });
    this.kind = details.kind;
    this.transient = details.transient;
    this.status = details.status;
    this.errorType = details.errorType;
    this.attempts = details.attempts;
  }
}
