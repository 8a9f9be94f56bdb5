/**
 * A path that installs another version of a package (`pip install x==1.3.0`, `dpkg -i x.deb`,
 * `apt install x=1.2-1`, `yum downgrade x-1.2`) but never starts or restarts anything after it
 * leaves the old version running: package managers replace files on disk, the running process
 * keeps the code it loaded. Notes often leave the restart implied ("downgrade the package"), so
 * the path gets a manual step to restart the component there. Manual only: runbook cannot know
 * how the service is run, and a package whose install script already restarted it makes the
 * step a quick tick.
 */

import { stripComment } from './shell-words.js';
import type { ManualStep, Step } from './types.js';
import { flattenSteps } from './walk-steps.js';

/** A command that installs a pinned version or a package file. */
const VERSION_INSTALL =
  /\b(?:pip[3x]?|python3? -m pip|uv pip)\s+install\b[^\n]*==|\bdpkg\s+(?:-\w*i\w*|--install)\b|\b(?:apt|apt-get)\s+(?:-\S+\s+)*install\b[^\n]*\s[\w.+-]+=\S|\b(?:yum|dnf|zypper)\s+(?:-\S+\s+)*(?:install|downgrade)\b[^\n]*\s[\w+-]+-(?:\d|<)|\brpm\s+-\w*[Uui]\w*\b|\bnpm\s+(?:install|i)\s+(?:-g|--global)\b[^\n]*@\S|\bgem\s+install\b[^\n]*(?:-v|--version)\s/;

/** Something that (re)starts a service or says to: after an install it makes the restart step redundant. */
const STARTS = /\b(?:re)?start(?:s|ed|ing)?\b|\breload\b|\breboot\b|\breconfigure\b|\bup\b(?=[^\n]*-d\b)|\bcompose\b[^\n]*\bup\b|\benable\s+--now\b|\bbring\b[^.\n]*\bup\b/i;

/** The path's steps, with a manual restart step after the last version install when nothing later starts the component. */
export function withRestartAfterInstall(steps: readonly Step[], component: string | undefined): Step[] {
  const index = steps.findLastIndex((step) => installs(step));
  if (index === -1) return [...steps];
  const step = steps[index]!;
  if (startsAfterInstall(step) || steps.slice(index + 1).some((later) => flattenSteps([later]).some(mentionsStart))) return [...steps];
  const name = component ?? 'the service';
  const restart: ManualStep = {
    kind: 'manual',
    title: `Restart ${name}`,
    line: step.line,
    items: [`Restart ${name} so that it runs the version just installed (skip this if the package's install already restarted it)`],
    notes: ['runbook added this step: the note installs another version but never restarts what runs it, so the old version keeps running until it is restarted'],
  };
  return [...steps.slice(0, index + 1), restart, ...steps.slice(index + 1)];
}

function installs(step: Step): boolean {
  return flattenSteps([step]).some((inner) => inner.kind === 'shell' && commandLines(inner.script).some((line) => VERSION_INSTALL.test(line)));
}

/** A start or restart after the install inside the same step (the same script, or the option's later steps). */
function startsAfterInstall(step: Step): boolean {
  if (step.kind === 'shell') {
    const lines = commandLines(step.script);
    const last = lines.findLastIndex((line) => VERSION_INSTALL.test(line));
    return lines.slice(last + 1).some((line) => STARTS.test(line));
  }
  if (step.kind !== 'choice') return false;
  // Every option that installs must start it again itself.
  return step.options.every((option) => {
    const at = option.steps.findLastIndex((inner) => installs(inner));
    return at === -1 || startsAfterInstall(option.steps[at]!) || option.steps.slice(at + 1).some((later) => flattenSteps([later]).some(mentionsStart));
  });
}

function mentionsStart(step: Step): boolean {
  if (step.kind === 'shell') return commandLines(step.script).some((line) => STARTS.test(line));
  if (step.kind === 'manual') return [step.title, ...step.items].some((text) => STARTS.test(text));
  return false;
}

function commandLines(script: string): string[] {
  return script.split('\n').map((line) => stripComment(line));
}
