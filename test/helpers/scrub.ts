/**
 * Makes output comparable as a whole: run ids, durations, timestamps and the sandbox's
 * temp path vary from run to run; everything else must match exactly.
 */

export function scrub(text: string, root?: string): string {
  let result = text;
  if (root) result = result.split(root).join('<root>');
  return (
    result
      .replace(/\d{8}T\d{6}Z-[A-Za-z0-9_.-]+-[0-9a-f]{4}/g, '<run-id>')
      .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, '<time>')
      // Durations as formatMs prints them: 850ms, 2.5s, 42s, 5m, 1m30s, 2h5m.
      .replace(/\b(?:\d+ms|\d+h\d+m|\d+h|\d+m\d+s|\d+m|\d+(?:\.\d+)?s)\b/g, '<d>')
  );
}

/** The run summary at the end of a run's output (from "Rollback of" on), scrubbed. */
export function summaryOf(output: string, root?: string): string {
  return scrub(output.slice(output.lastIndexOf('Rollback of')), root);
}
