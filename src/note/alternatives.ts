/**
 * Does a heading, a list item's label or a lead paragraph read as one of several alternatives
 * ("If …", "Option B", "Alternatively", "Docker", "pip") rather than as the next step? Only
 * what the text says decides it: runbook would rather run one path too few than two at once.
 */

import { splitCommands } from './shell-words.js';

/** Operating systems and init systems: what a comment in a block can name alone (`# Ubuntu`, `# SysV init`). */
const OS_TERMS = ['linux', 'macos', 'mac os', 'os x', 'windows', 'ubuntu', 'debian', 'centos', 'rhel', 'red hat', 'fedora', 'alpine', 'arch', 'suse', 'amazon linux'];
const INIT_TERMS = ['systemd', 'sysv init', 'sysvinit', 'sysv', 'upstart', 'openrc', 'runit', 'launchd'];

/** Variant terms a comment may name alone: operating systems, their package managers and init systems. */
export const COMMENT_VARIANT_TERMS: ReadonlySet<string> = new Set([...OS_TERMS, 'apt', 'yum', 'dnf', 'brew', 'homebrew', ...INIT_TERMS]);

/** Platform, tool and datastore names that tell variants of one step apart. Lower case. */
const VARIANT_TERMS = [
  ...OS_TERMS,
  'docker compose',
  'docker-compose',
  'compose',
  'docker',
  'podman',
  'kubernetes',
  'k8s',
  'helm',
  'kustomize',
  'openshift',
  'nomad',
  ...INIT_TERMS,
  'pip',
  'pipx',
  'conda',
  'poetry',
  'npm',
  'yarn',
  'pnpm',
  'brew',
  'homebrew',
  'apt',
  'yum',
  'dnf',
  'snap',
  'postgresql',
  'postgres',
  'mysql',
  'mariadb',
  'sqlite',
  'etcd',
  'embedded etcd',
  'external database',
  'redis',
  'mongodb',
  'aws',
  'gcp',
  'azure',
  'bare metal',
  'air-gapped',
  'airgapped',
  'internet access',
  'linux package',
  'omnibus',
  'staging',
  'production',
  'prod',
  'development',
  'on-premises',
  'on-prem',
  'self-managed',
  'self-hosted',
  'saas',
  'cloud',
  'gke',
  'eks',
  'aks',
  'openstack',
  'vmware',
  'ecs',
  'lambda',
  'nginx',
  'apache',
];
/** Role words: variants only in a list of labelled items ("Server nodes:", "Agent nodes:"), not in headings. */
const ROLE_TERMS = ['server', 'agent', 'manual', 'automatic', 'source', 'binary', 'tarball', 'package', 'standalone', 'cluster', 'primary', 'replica', 'leader', 'worker', 'master', 'controller'];

const CONDITION = /^(?:if|when|in case|unless|otherwise|for\s+(?:\S+\s+){0,3}?(?:installs?|installations?|deployments?|instances?|clusters?|users?|setups?|nodes?)\b|(?:with|without)\s)/i;
const OPTION = /^(?:option|method|approach|plan|alternative|variant|scenario|case|choice|route)(\s*)(.*)$/is;
/** The label after the word: a capital letter, a number or a roman numeral ("Option B", "Plan 2"), never "Options" or "Plan a rollback". */
const OPTION_LABEL = /^(?:[A-Z]|\d+|[IVX]+)(?![A-Za-z0-9])/;
/** "Fast path: flip the flag", "Full rollback", "Emergency revert": one of several ways, named by how. */
const KIND_OF_WAY = /\b(?:fast|quick|full|complete|partial|emergency|minimal|slow|safe|manual|automated|automatic|scripted)\s+(?:path|rollback|roll[- ]?back|route|revert|downgrade|restore|recovery|fix)\b/i;
const ALTERNATIVELY = /^(?:alternatively|or else|instead|as an alternative|or,|or\s)/i;
/** Headings that name a phase every path goes through, never a path of its own. */
const PHASE =
  /^(?:prerequisites?|pre-?requisites?|requirements|before you (?:begin|start)|preparation|prepare|important considerations?|considerations?|notes?|background|overview|verification|verify|validation|validate|monitor(?:ing)?|post[- ]\w+|after the rollback|clean ?up|checks?|summary|references?)\b/i;
/** "Roll back a Linux instance", "Rolling back to v1.25.0", "Multiversion downgrades": a whole way of rolling back. */
const WHOLE_ROLLBACK = /\b(?:roll(?:ing|ed)?[ -]?backs?|downgrad\w*|revert(?:ing)?|restor(?:e|ing))\b.*\b(?:a|an|to|from|with|without|for|of|via|using|by)\b|\b(?:downgrades|rollbacks)\b/i;
const ONE_OF =
  /\b(?:(?:these|here) are (?:the |your )?(?:[\w-]+ ){0,2}(?:options|choices|alternatives|methods|approaches|ways)\b|the (?:supported|available|possible) (?:options|methods|approaches|ways)\b|(?:any )?one of the (?:following|commands|ways|options)\b|one of these|pick one|choose one|choose (?:the|an?) (?:option|method|approach|way)|depending on|whichever applies)\b|\beither\b[^.]*\bor\b[^.]*:\s*$/i;
const METHOD = /^(?:[\w-]+\s+){0,3}?(?:using|via|through|by means of)\s+(.+)$/i;

/**
 * A title that is nothing but an interface or tool to do the step with: documentation tabs
 * rendered as headings (Google's "Console" / "Command line" / "YAML", Microsoft's "Azure portal"
 * / "Azure CLI" / "PowerShell"). Two or more such siblings are ways of doing one thing.
 */
const INTERFACE =
  /^(?:(?:the|google cloud|cloud|aws management|azure|aws|gcp|web|admin)\s+)?(?:console|portal|ui|gui|dashboard|command[- ]line|cli|gcloud(?: cli)?|aws cli|azure cli|az cli|kubectl|api|rest(?: api)?|http|curl|grpc|sdk|client librar(?:y|ies)|yaml|json|terraform|pulumi|bicep|arm templates?|cloudformation|powershell|bash|shell|cmd)(?:\s+tab)?$/i;

/** "If you decide to roll back …": the body restates why the whole procedure runs, it is no branch. */
const ROLLBACK_PREMISE = /^(?:if|when|once) you (?:decide|want|choose|need|wish|have decided) to (?:roll ?back|revert|downgrade|undo|go back)\b/i;

/** "Step 1: …", "1. …": numbered headings are a sequence, whatever they say. */
const NUMBERED = /^(?:step\s+\d+\b|\d+[.)]\s)/i;

/** The variant terms a title names (whole words), for telling siblings apart. */
export function variantTerms(text: string, roles = false): string[] {
  const lower = ` ${text.toLowerCase().replace(/[`*_]/g, '')} `;
  return (roles ? [...VARIANT_TERMS, ...ROLE_TERMS] : VARIANT_TERMS).filter((term) => new RegExp(`[^a-z0-9]${term.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&')}[^a-z0-9]`).test(lower));
}

/** "If issues are found within 1 hour", "When you run Podman", "Without a backup". */
export function readsAsCondition(text: string): boolean {
  return CONDITION.test(text.trim());
}

/** "Option A: Quick rollback", "Method 2", "Plan B". */
export function readsAsOption(text: string): boolean {
  const option = OPTION.exec(text.trim());
  const labelled = option !== null && OPTION_LABEL.test(option[2]!) && (option[1] !== '' || /^\d/.test(option[2]!));
  return labelled || KIND_OF_WAY.test(text);
}

/** "Alternatively, …": the text that follows replaces what came before. */
export function readsAsAlternatively(text: string): boolean {
  return ALTERNATIVELY.test(text.trim());
}

export function readsAsPhase(text: string): boolean {
  return PHASE.test(text.trim());
}

export function readsAsWholeRollback(text: string): boolean {
  return WHOLE_ROLLBACK.test(text);
}

/** "one of the following", "either … or …": the text introduces alternatives. */
export function introducesAlternatives(text: string): boolean {
  return ONE_OF.test(text);
}

/** The command a section's only block runs: the program and its leading words, and its option names. */
export interface CommandShape {
  head: string;
  options: string[];
}

/** A sub-heading, tab or list label: what it says and what the text under it starts with. */
export interface Candidate {
  title: string;
  /** The command of its only runnable block, when it has exactly one. */
  command?: CommandShape;
  /** The first sentence of its body, when it has one (a condition there counts too). */
  firstText?: string;
  /** A list label ("Server nodes:"): role words count as variants too. */
  label?: boolean;
}

/**
 * Which siblings are alternatives of each other: returns runs `[start, end)` of at least two
 * siblings. Conditions and options count; variants (Docker / Kubernetes) count when at
 * least two siblings name different ones; "whole rollback" titles count when at least two
 * siblings are such titles. A lone condition pairs with the sibling before it ("If MariaDB
 * does not start…" after "Restore Command"). Phases (Prerequisites, Verification) never count.
 */
export function alternativeRuns(candidates: Candidate[], introduced = false): [number, number][] {
  // Numbered headings are a sequence, unless the text before them says they are options.
  if (!introduced && candidates.some((candidate) => NUMBERED.test(candidate.title))) return [];
  const phase = candidates.map((candidate) => readsAsPhase(candidate.title));
  const conditional = candidates.map(
    (candidate, index) =>
      !phase[index] &&
      (readsAsCondition(candidate.title) ||
        readsAsOption(candidate.title) ||
        readsAsAlternatively(candidate.title) ||
        (candidate.firstText !== undefined && !ROLLBACK_PREMISE.test(candidate.firstText.trim()) && (readsAsCondition(candidate.firstText) || readsAsAlternatively(candidate.firstText)))),
  );
  const terms = candidates.map((candidate) => variantTerms(candidate.title, candidate.label === true));
  const distinctTerms = new Set(terms.flatMap((list) => (list.length > 0 ? [list.join('+')] : [])));
  const variant = terms.map((list, index) => !phase[index] && list.length > 0 && distinctTerms.size >= 2);
  const whole = candidates.map((candidate, index) => !phase[index] && readsAsWholeRollback(candidate.title));
  // "Using Helm" / "Using kubectl", "Via the UI" / "Via the API": ways of doing the same thing.
  const methods = candidates.map((candidate) => METHOD.exec(candidate.title.trim())?.[1]?.toLowerCase());
  const methodCount = new Set(methods.filter((method) => method !== undefined)).size;
  const wholeCount = whole.filter(Boolean).length;
  // "Console" / "Command line" / "YAML": tabs of one step.
  const interfaces = candidates.map((candidate) => (INTERFACE.test(plainTitle(candidate.title)) ? plainTitle(candidate.title).toLowerCase() : undefined));
  const interfaceCount = new Set(interfaces.filter((name) => name !== undefined)).size;
  const sameAction = sameActionRuns(candidates);
  const alternative = candidates.map((_, index) =>
    introduced && !phase[index]
      ? true
      : conditional[index]! ||
        variant[index]! ||
        (wholeCount >= 2 && whole[index]!) ||
        (methodCount >= 2 && methods[index] !== undefined && !phase[index]) ||
        (interfaceCount >= 2 && interfaces[index] !== undefined) ||
        (sameAction[index]! && !phase[index]),
  );
  // A lone condition is the other branch of the sibling before it.
  for (let index = 1; index < candidates.length; index++) {
    const alone = alternative[index] && !alternative[index - 1] && !(alternative[index + 1] ?? false);
    if (alone && conditional[index] && !phase[index - 1]) alternative[index - 1] = true;
  }
  const runs: [number, number][] = [];
  let start = -1;
  for (let index = 0; index <= candidates.length; index++) {
    if (index < candidates.length && alternative[index]) {
      if (start === -1) start = index;
      continue;
    }
    if (start !== -1 && index - start >= 2) runs.push([start, index]);
    start = -1;
  }
  return runs;
}

function plainTitle(title: string): string {
  return title.replace(/[`*_]/g, '').replace(/\s+/g, ' ').trim();
}

const HOW = /^(?:by|to|from|with|using|via|through)$/;

/**
 * "Reset by shifting the offset" / "Reset by duration" / "Reset to the beginning": siblings
 * whose titles start with the same verb and a preposition saying how, and whose only block runs the same command (same
 * program and leading words) with a different set of options are ways of doing one action,
 * not steps. The same command with the same options and other values ("Scale down" /
 * "Scale up" with `--replicas=0` / `--replicas=3`) stays a sequence, as does the same verb on
 * another target (`systemctl stop web` / `systemctl stop worker`).
 */
function sameActionRuns(candidates: Candidate[]): boolean[] {
  const marked = candidates.map(() => false);
  // "Reset by …", "Reset to …": the verb, and a preposition saying how (not "Test configuration" / "Commit configuration").
  const verb = (candidate: Candidate) => {
    const [first, second] = plainTitle(candidate.title).toLowerCase().split(' ');
    return second !== undefined && HOW.test(second) ? first : undefined;
  };
  const key = (shape: CommandShape) => [...new Set(shape.options)].sort().join(' ');
  let start = 0;
  for (let index = 1; index <= candidates.length; index++) {
    const previous = candidates[index - 1]!;
    const current = candidates[index];
    const continues = current?.command !== undefined && previous.command !== undefined && verb(current) !== undefined && verb(current) === verb(previous) && current.command.head === previous.command.head;
    if (continues) continue;
    const group = candidates.slice(start, index);
    const keys = group.flatMap((candidate) => (candidate.command ? [key(candidate.command)] : []));
    if (group.length >= 2 && new Set(keys).size === group.length) for (let at = start; at < index; at++) marked[at] = true;
    start = index;
  }
  return marked;
}

/** The program, its leading words and its option names, of the first command of a script. */
export function commandShape(script: string): CommandShape | undefined {
  const words = splitCommands(script)[0]?.words;
  if (!words || words.length === 0) return undefined;
  const first = words.findIndex((word) => word.startsWith('-'));
  const head = (first === -1 ? words : words.slice(0, first)).join(' ');
  const options = words.filter((word) => /^--?[A-Za-z]/.test(word)).map((word) => word.replace(/=.*$/, ''));
  return { head, options };
}

/**
 * Within a run of alternatives, siblings that only differ by "with"/"without" (or "before"/
 * "after") the same term are sub-options of the sibling before them: "Kubernetes", then
 * "Rollback with Kustomize" / "Rollback without Kustomize". Returns `[start, end)` of such a
 * tail, or undefined.
 */
export function subOptionTail(titles: string[]): [number, number] | undefined {
  const key = (title: string) =>
    title
      .toLowerCase()
      .replace(/[`*_]/g, '')
      .replace(/\b(?:with|without|before|after|and later|or later|and earlier|or earlier|later|earlier|newer|older)\b/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
  for (let start = 1; start < titles.length - 1; start++) {
    const keys = titles.slice(start).map(key);
    const differ = titles.slice(start).some((title, index) => key(title) === keys[0] && title.toLowerCase() !== titles[start]!.toLowerCase() && index > 0);
    if (keys.every((value) => value === keys[0]) && differ) return [start, titles.length];
  }
  return undefined;
}
