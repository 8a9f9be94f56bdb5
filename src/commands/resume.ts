/**
 * `runbook resume <run-id|stage>`: continue a stopped run after its last finished step, in
 * the same journal, under the same lock, with the options it was started with (see
 * src/run/resume-source.ts), provided the note's Rollback Procedure is unchanged.
 */

import type { Io } from '../io.js';
import { runPipeline } from '../run/pipeline.js';
import { loadResume, type ResumeOptions } from '../run/resume-source.js';
import { escapeText } from '../view/escape-text.js';

export type { ResumeOptions };

export async function resumeCommand(options: ResumeOptions, io: Io): Promise<number> {
  const resume = await loadResume(options, io);
  if (resume.kind === 'nothing') {
    io.stdout.write(escapeText(resume.message));
    return 0;
  }
  const report = await runPipeline({ mode: 'run', note: resume.note, options: resume.options, overrides: resume.overrides, resume: resume.source }, io);
  return report.exitCode;
}
