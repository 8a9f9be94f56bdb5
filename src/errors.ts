/**
 * The error vocabulary of runbook. Commands throw these; `cli.ts` alone turns them into
 * messages and exit codes, so every command fails the same way.
 */

/** Exit codes, defined once and documented in the README. */
export const ExitCode = {
  ok: 0,
  /** A step failed, or the operator aborted. */
  stepFailed: 1,
  /** Bad usage or a bad note: nothing was run. */
  usage: 2,
  /** The rollback ran but Prometheus does not show recovery (failed or inconclusive). */
  verifyFailed: 3,
  /** A bug in runbook itself (EX_SOFTWARE from sysexits.h). */
  internal: 70,
  /** The journal (or another file runbook keeps) cannot be written: disk full, I/O error (EX_IOERR). */
  ioError: 74,
  /** Interrupted by Ctrl-C (128 + SIGINT). */
  interrupted: 130,
} as const;

export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode];

/** Where in a note a problem is. `line` is 1-based, as editors show it. */
export interface SourcePoint {
  file: string;
  line?: number;
}

/** Formats `file:line` (or just `file`) the way compilers do, so editors can jump to it. */
export function formatPoint(point: SourcePoint): string {
  return point.line === undefined ? point.file : `${point.file}:${point.line}`;
}

/** One problem found in a note, reported with every other problem of that note at once. */
export interface NoteProblem extends SourcePoint {
  message: string;
}

export function formatProblem(problem: NoteProblem): string {
  return `${formatPoint(problem)}: ${problem.message}`;
}

/** Base class: anything runbook expects to go wrong, with the exit code it maps to. */
export class RunbookError extends Error {
  readonly exitCode: ExitCodeValue;
  constructor(message: string, exitCode: ExitCodeValue, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
  /** The lines printed for this error; one line unless there are several problems. */
  lines(): string[] {
    return [this.message];
  }
}

/** Bad command-line usage: unknown option, bad value, unknown stage. */
export class UsageError extends RunbookError {
  constructor(message: string) {
    super(message, ExitCode.usage);
  }
}

/**
 * A note (or other input file) that cannot be used, with every problem found in it. One
 * problem prints as one `file:line: message` line; several print one line each, then the summary.
 */
export class NoteError extends RunbookError {
  readonly problems: NoteProblem[];
  constructor(summary: string, problems: NoteProblem[]) {
    super(summary, ExitCode.usage);
    this.problems = problems;
  }
  override lines(): string[] {
    if (this.problems.length === 1) return [formatProblem(this.problems[0]!)];
    return [...this.problems.map(formatProblem), this.message];
  }
}

/** A step of the rollback failed; `cause` carries the process result. */
export class StepFailedError extends RunbookError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.stepFailed, options);
  }
}

/** The operator chose to stop the rollback. */
export class AbortedError extends RunbookError {
  constructor(message: string) {
    super(message, ExitCode.stepFailed);
  }
}

/** The run stopped where it needs a person (a gate, a command that needs a terminal): incomplete, not failed. */
export class IncompleteError extends RunbookError {
  constructor(message: string) {
    super(message, ExitCode.stepFailed);
  }
}

/** The rollback ran but recovery was not shown (failed or inconclusive). */
export class VerificationError extends RunbookError {
  constructor(message: string) {
    super(message, ExitCode.verifyFailed);
  }
}

/** Ctrl-C (or SIGTERM) stopped the run. */
export class InterruptedError extends RunbookError {
  constructor(message: string) {
    super(message, ExitCode.interrupted);
  }
}

/** The journal cannot be written (disk full, I/O error): the run stops before its next step. */
export class JournalError extends RunbookError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, ExitCode.ioError, options);
  }
}
