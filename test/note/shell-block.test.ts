import { describe, expect, it } from 'vitest';
import { classifyBlock, isShellSetup, scriptLines, splitOnMarkers } from '../../src/note/shell-block.js';

describe('classifyBlock', () => {
  it.each([
    { lang: 'bash', code: 'make restart', kind: 'shell' },
    { lang: 'sh', code: 'make restart', kind: 'shell' },
    { lang: 'shell', code: 'make restart', kind: 'shell' },
    { lang: 'zsh', code: 'make restart', kind: 'shell' },
    { lang: 'BASH', code: 'make restart', kind: 'shell' },
    { lang: 'console', code: '$ make restart\nok', kind: 'transcript' },
    { lang: 'console', code: 'make restart', kind: 'shell' },
    { lang: 'console', code: 'restarting... ok', kind: 'other' },
    { lang: 'bash', code: '# restart\n$ make restart', kind: 'transcript' },
    { lang: 'python', code: 'import os', kind: 'other' },
    { lang: 'promql', code: 'up', kind: 'other' },
    { lang: 'javascript', code: 'echo()', kind: 'other' },
    { lang: 'json', code: '{}', kind: 'other' },
    { lang: 'text', code: 'make restart', kind: 'other' },
    { lang: null, code: 'make day-12-restart-butler', kind: 'shell' },
    { lang: null, code: '# flip the flag\nsed -i s/a/b/ f', kind: 'shell' },
    { lang: null, code: 'sudo systemctl restart butler', kind: 'shell' },
    { lang: null, code: 'USE_NEW_X=false make restart', kind: 'shell' },
    { lang: null, code: './scripts/rollback.sh', kind: 'shell' },
    { lang: null, code: '~/bin/rollback', kind: 'shell' },
    { lang: null, code: '#!/usr/bin/env bash\nanything', kind: 'shell' },
    { lang: null, code: '$ make restart\nrestarted', kind: 'transcript' },
    { lang: null, code: 'Restarting butler ... ok', kind: 'other' },
    { lang: null, code: '{"status":"success"}', kind: 'other' },
    { lang: null, code: '', kind: 'other' },
    // W14: `#` is root's prompt in a console transcript when a command follows it.
    { lang: 'console', code: '# systemctl reload probe\nactive', kind: 'transcript' },
    { lang: 'console', code: '# Reload the service by hand', kind: 'other' },
    { lang: 'bash', code: '# systemctl reload probe', kind: 'shell' },
    { lang: 'console', code: '[root@db tmp]# systemctl stop x', kind: 'transcript' },
    { lang: 'console', code: 'bash-5.1$ make x', kind: 'transcript' },
    { lang: 'console', code: '(venv) $ pip list', kind: 'transcript' },
    // Consoles that are not bash: a person types into them, runbook never runs them.
    { lang: 'console', code: 'PS C:\\> Restart-Service probe', kind: 'other' },
    { lang: 'console', code: 'PS> Get-Service', kind: 'other' },
    { lang: 'console', code: '>>> import os\n>>> os.remove("x")', kind: 'other' },
    { lang: 'console', code: 'mysql> DROP TABLE events;\nQuery OK', kind: 'other' },
    { lang: 'console', code: '$ mysql -u root\nmysql> DROP TABLE events;', kind: 'other' },
    { lang: 'console', code: 'postgres=# DROP TABLE events;', kind: 'other' },
    { lang: 'console', code: 'MariaDB [probe]> DELETE FROM jobs;', kind: 'other' },
    { lang: 'console', code: '127.0.0.1:6379> FLUSHALL', kind: 'other' },
    { lang: null, code: 'postgres=> select 1;', kind: 'other' },
    { lang: 'bash', code: '$ psql\npostgres=# DROP TABLE x;', kind: 'other' },
    // D7 in a `bash` fence written as a transcript: read the same way as `console`.
    { lang: 'bash', code: '$ cat > f <<EOF\nnew_ranking=false\nEOF\n$ systemctl reload probe', kind: 'transcript' },
    // W6: a `[` alone on a line opens a JSON list, it is not the `[` command.
    { lang: null, code: '[\n"127.0.0.1:8300"\n]', kind: 'other' },
    { lang: null, code: '[ -f /etc/x ] && echo yes', kind: 'shell' },
    { lang: null, code: '[[ -f /etc/x ]] || exit 1', kind: 'shell' },
  ])('$lang: $code → $kind', ({ lang, code, kind }) => {
    expect(classifyBlock(lang, code)).toBe(kind);
  });
});

describe('scriptLines', () => {
  it('keeps a shell block as written', () => {
    expect(scriptLines('a\n\n  b', 'shell')).toEqual({ lines: ['a', '', '  b'], origins: [0, 1, 2] });
  });

  it.each([
    { name: 'prompts stripped, output kept apart', code: '$ make x\nok\n$ make y', lines: ['make x', 'make y'], origins: [0, 2], output: ['ok'] },
    { name: 'zsh % prompt', code: '% make x', lines: ['make x'], origins: [0], output: [] },
    { name: 'backslash continuation kept', code: '$ make x \\\n  ARG=1\ndone', lines: ['make x \\', '  ARG=1'], origins: [0, 1], output: ['done'] },
    { name: '> continuation prompt stripped', code: '$ make x \\\n> ARG=1', lines: ['make x \\', 'ARG=1'], origins: [0, 1], output: [] },
    { name: 'open quote continues', code: '$ echo "a\nb"\noutput', lines: ['echo "a', 'b"'], origins: [0, 1], output: ['output'] },
    { name: 'output that looks like a prompt-less command', code: '$ grep X f\nX=false', lines: ['grep X f'], origins: [0], output: ['X=false'] },
    { name: 'root prompt with a host (ncn#), output after it', code: 'ncn# echo "$F"\n/root/backup.psql', lines: ['echo "$F"'], origins: [0], output: ['/root/backup.psql'] },
    { name: 'λ prompt', code: 'λ docker logs migrator\n✅ done', lines: ['docker logs migrator'], origins: [0], output: ['✅ done'] },
    { name: 'user@host prompt', code: 'me@db:~$ systemctl restart x', lines: ['systemctl restart x'], origins: [0], output: [] },
    { name: 'prompt with directory and git branch: runs in that directory', code: '$ ~/deploy/compose/ v4.5.1* docker-compose up -d', lines: ['cd ~/deploy/compose/ && docker-compose up -d'], origins: [0], output: [] },
    { name: 'a comment above a prompt titles it; # alone is never a root prompt', code: '# Re-deploy\n$ make x', lines: ['# Re-deploy', 'make x'], origins: [0, 1], output: [] },
    // D7: a heredoc body is part of the command, up to its delimiter, even when it looks like output.
    {
      name: 'heredoc body and delimiter belong to the command',
      code: '$ cat > f <<EOF\nnew_ranking=false\nEOF\n$ systemctl reload probe\nactive',
      lines: ['cat > f <<EOF', 'new_ranking=false', 'EOF', 'systemctl reload probe'],
      origins: [0, 1, 2, 3],
      output: ['active'],
    },
    {
      name: 'quoted heredoc delimiter, body lines that look like prompts',
      code: "$ cat > f <<'END'\n$ not a prompt\n# not a comment\nEND\ndone",
      lines: ["cat > f <<'END'", '$ not a prompt', '# not a comment', 'END'],
      origins: [0, 1, 2, 3],
      output: ['done'],
    },
    { name: '<<- heredoc ends at a tab-indented delimiter', code: '$ cat <<-EOF > f\n\ta=1\n\tEOF\nok', lines: ['cat <<-EOF > f', '\ta=1', '\tEOF'], origins: [0, 1, 2], output: ['ok'] },
    { name: 'heredoc with PS2 prompts', code: '$ cat > f <<EOF\n> a=1\n> EOF\n$ echo done', lines: ['cat > f <<EOF', 'a=1', 'EOF', 'echo done'], origins: [0, 1, 2, 3], output: [] },
    {
      name: 'backslash continuation after a heredoc command',
      code: '$ systemctl reload probe \\\n    --no-block\n$ systemctl is-active probe\nactive',
      lines: ['systemctl reload probe \\', '    --no-block', 'systemctl is-active probe'],
      origins: [0, 1, 2],
      output: ['active'],
    },
    // W14: `#` root prompts in a transcript without `$` prompts.
    {
      name: 'root # prompts with heredoc and continuation',
      code: '# cat > /etc/f <<EOF\nx=false\nEOF\n# systemctl reload probe \\\n    --no-block\n# systemctl is-active probe\nactive',
      lines: ['cat > /etc/f <<EOF', 'x=false', 'EOF', 'systemctl reload probe \\', '    --no-block', 'systemctl is-active probe'],
      origins: [0, 1, 2, 3, 4, 5],
      output: ['active'],
    },
    { name: 'a # line that is prose stays a comment under root prompts', code: '# Reload it\n# systemctl reload probe', lines: ['# Reload it', 'systemctl reload probe'], origins: [0, 1], output: [] },
    { name: '# prompts after sudo -i in a $ transcript', code: '$ sudo -i\n# systemctl restart probe\nok', lines: ['sudo -i', 'systemctl restart probe'], origins: [0, 1], output: ['ok'] },
    { name: '[root@host dir]# prompt', code: '[root@db tmp]# systemctl stop x\nstopped', lines: ['systemctl stop x'], origins: [0], output: ['stopped'] },
    // W19: PS2 `> ` prompts inside an open quote are stripped.
    {
      name: 'PS2 prompts in a quoted JSON argument',
      code: 'ops@127.0.0.1:~$ kubectl patch d --type=json -p \'[\n> {"op":"replace"}\n> ]\'\npatched\nops@127.0.0.1:~$ kubectl rollout status d',
      lines: ["kubectl patch d --type=json -p '[", '{"op":"replace"}', "]'", 'kubectl rollout status d'],
      origins: [0, 1, 2, 4],
      output: ['patched'],
    },
    { name: 'PS2 prompts in a for loop', code: '$ for n in a b; do\n> echo $n\n> done\na\nb', lines: ['for n in a b; do', 'echo $n', 'done'], origins: [0, 1, 2], output: ['a', 'b'] },
    { name: 'a trailing pipe continues', code: '$ kubectl get pods |\n> grep probe\nprobe-0', lines: ['kubectl get pods |', 'grep probe'], origins: [0, 1], output: ['probe-0'] },
    { name: 'output starting with > after a complete command stays output', code: '$ cat notes.md\n> quoted', lines: ['cat notes.md'], origins: [0], output: ['> quoted'] },
  ])('transcript: $name', ({ code, lines, origins, output }) => {
    expect(scriptLines(code, 'transcript')).toEqual({ lines, origins, output });
  });
});

describe('splitOnMarkers', () => {
  const split = (...lines: string[]) => splitOnMarkers({ lines, origins: lines.map((_, index) => index + 10) }).map(({ title, markerLine, lines }) => ({ title, markerLine, lines }));

  it('leaves a script without markers whole', () => {
    expect(split('make a', 'make b')).toEqual([{ title: undefined, markerLine: undefined, lines: ['make a', 'make b'] }]);
  });

  it.each(['# 1. Stop', '# 1) Stop', '# Step 1: Stop', '## 1 - Stop', '#1. Stop'])('recognises %j', (marker) => {
    expect(split(marker, 'make stop')).toEqual([{ title: 'Stop', markerLine: 10, lines: ['make stop'] }]);
  });

  it('splits on each marker and keeps a preamble with commands', () => {
    expect(split('set -e', '# 1. Stop', 'make stop', '# 2. Start', 'make start')).toEqual([
      { title: undefined, markerLine: undefined, lines: ['set -e'] },
      { title: 'Stop', markerLine: 11, lines: ['make stop'] },
      { title: 'Start', markerLine: 13, lines: ['make start'] },
    ]);
  });

  it('drops a preamble of comments only', () => {
    expect(split('# rollback script', '# 1. Stop', 'make stop').map((part) => part.title)).toEqual(['Stop']);
  });

  it.each(['# Check Prometheus', '# 2025 rollback', '# v1.2 release'])('%j is a comment, not a marker', (comment) => {
    expect(split(comment, 'make x')).toHaveLength(1);
  });
});

describe('isShellSetup', () => {
  it.each([
    { lines: ['set -euo pipefail'], setup: true },
    { lines: ['export KUBECONFIG=~/.kube/prod', 'cd ~/work/infra'], setup: true },
    { lines: ['ENV_FILE=~/work/infra/.env.infra', 'source ./lib.sh'], setup: true },
    { lines: ['set -e', 'make stop'], setup: false },
    { lines: ['docker compose down'], setup: false },
    { lines: ['# only a comment'], setup: false },
  ])('$lines → $setup', ({ lines, setup }) => {
    expect(isShellSetup(lines)).toBe(setup);
  });
});
