/**
 * Run ids sort by time and say what they are: `20261125T131500Z-21_01a-3f9c`.
 */

export function createRunId(stage: string | undefined, now: Date, random: () => number): string {
  const time = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  const suffix = Math.floor(random() * 0x10000)
    .toString(16)
    .padStart(4, '0');
  return `${time}-${stage ?? 'note'}-${suffix}`;
}

/** Run ids are used as file names: refuse anything that could leave the journal folder. */
export function isRunId(text: string): boolean {
  return /^\d{8}T\d{6}Z-[A-Za-z0-9_.-]+-[0-9a-f]{4}$/.test(text) && !text.includes('..');
}
