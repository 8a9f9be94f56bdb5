/**
 * Where a step runs and when: read from the step's own words, after the steps are built.
 * - **scope**: "On each node, …", "… on the other server nodes", an option labelled "Server
 *   nodes": the step is meant for those machines. runbook runs everything on this machine, so
 *   the operator is told (and an unattended run stops there: docs/running-and-resuming.md).
 * - **condition**: "If the API is reachable, drain …": the step runs only when that holds
 *   (asked, default no; never run unattended). Held-back blocks get theirs in steps.ts.
 */

import { readsAsCondition } from './alternatives.js';
import { leadingCondition } from './held-back.js';
import { cleanTitle } from './rollback-section.js';
import type { Step } from './types.js';

/** Machines a step can be meant for. */
const MACHINE = String.raw`(?:nodes?|hosts?|servers?|machines?|replicas?|members?|instances?|workers?|masters?|controllers?|brokers?|peers?|vms?|primary|primaries|standbys?)(?!\s+(?:keys?|index(?:es)?|columns?|constraints?))`;
/** "on each node", "on the first server node", "on all agent nodes", "on every remaining server", "on the database host". */
const ON_MACHINES = new RegExp(String.raw`\bon\s+((?:(?:each|every|all|both|any|one)(?:\s+of\s+the)?|the|these|those|other|remaining)(?:\s+(?!of\b)[\w-]+){0,3}\s+${MACHINE})\b`, 'i');
/** "Server nodes", "Agent nodes", "All worker nodes": a label that only names machines. */
const MACHINES_LABEL = /^(?:on\s+)?((?:(?:all|each|every|the|other|remaining)\s+)?(?:[\w-]+\s+){0,2}?(?:nodes|hosts|servers|replicas|workers|masters|controllers|brokers|members))$/i;
/** This machine is where runbook runs: no scope to point out. */
const HERE = /^(?:this|the local|your (?:local )?)\s*(?:machine|host|node|server|workstation|laptop)$/i;

/**
 * The machines a text says a step is for ("the other server nodes"), or undefined. Only an
 * option's title can be a bare label ("Server nodes"): a step's title is an action, and
 * "Stop the workers" names what it stops, not where it runs.
 */
export function readScope(text: string, { label: asLabel = false } = {}): string | undefined {
  const label = asLabel ? MACHINES_LABEL.exec(cleanTitle(text).replace(/[`*_]/g, '')) : null;
  // A label is written as a heading ("Server nodes"): said in the middle of a sentence, lower case.
  const found = label ? label[1]!.charAt(0).toLowerCase() + label[1]!.slice(1) : ON_MACHINES.exec(text.replace(/[`*_]/g, ''))?.[1];
  if (!found || HERE.test(found.trim())) return undefined;
  return found.trim().replace(/\s+/g, ' ');
}

/**
 * Gives each step its scope (its own words, else the choice or option it sits in) and a
 * leading condition ("If …, do X" → condition "if …", title "Do X"). Idempotent: paths share
 * step objects.
 */
export function annotateSteps(steps: readonly Step[], inherited?: string, optionTitle?: string): void {
  for (const step of steps) {
    if (step.scope === undefined) {
      const own = readScope(step.title);
      if (own ?? inherited) step.scope = own ?? inherited;
      // "On each node, stop the K3s service": the title is what to do, the scope is shown apart.
      const rest = own ? new RegExp(String.raw`^on\s+${escapeRegExp(own)}\s*,\s*(?!\s|(?:or|and|but)\b)(.+)$`, 'i').exec(step.title)?.[1] : undefined;
      if (rest && rest.split(/\s+/).length > 2) step.title = rest.charAt(0).toUpperCase() + rest.slice(1);
    }
    // A step inside the option "If it ran under systemd:" is that option: the choice asks, not the step.
    const optionsCondition = optionTitle !== undefined && readsAsCondition(optionTitle) && step.title.startsWith(optionTitle);
    if (step.kind !== 'choice' && step.gate === undefined && !optionsCondition) {
      const found = leadingCondition(step.title);
      // A title whose condition is another than the step's (a warning's "Only if …") is left whole.
      if (found && (step.condition === undefined || step.condition.toLowerCase() === found.condition.toLowerCase())) {
        step.condition = found.condition;
        // "If needed, run" → keep the title: two words say nothing on their own.
        const rest = cleanTitle(found.rest);
        if (rest.split(/\s+/).length > 2) step.title = rest;
      }
    }
    if (step.kind === 'choice') for (const option of step.options) annotateSteps(option.steps, readScope(option.title, { label: true }) ?? step.scope, option.title);
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
