/**
 * The last word before the first step: production needs the operator to type the stage id,
 * so a slip of the wrong terminal stops here. (Parameters are asked in `parameters.ts`.)
 */

import { AbortedError } from '../errors.js';

export async function confirmProduction(stage: string, environment: string): Promise<void> {
  const { default: Enquirer } = await import('enquirer');
  let typed = '';
  try {
    typed = (
      await new Enquirer<{ value: string }>().prompt({ type: 'input', name: 'value', message: `This rolls back PRODUCTION (${environment}). Type the stage id (${stage}) to go on`, stdout: promptStream() } as never)
    ).value;
  } catch {
    // Ctrl-C at the prompt: treated like a wrong answer below
  }
  if (typed.trim() !== stage) throw new AbortedError(`production confirmation did not match "${stage}": nothing was run`);
}

/** Questions go to the terminal: stdout, or stderr when stdout is a pipe (`| tee`). */
export function promptStream(): NodeJS.WriteStream {
  return process.stdout.isTTY ? process.stdout : process.stderr;
}
