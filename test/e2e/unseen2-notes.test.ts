/**
 * Unseen notes, second set (test/fixtures/unseen2/, see its README and FINDINGS.md): the parts
 * of their reading that the fixes for the DANGEROUS findings decide. One `show --json` process
 * per note; the plan is what a run would follow.
 */

import { describe, expect, it } from 'vitest';
import { allSteps, type JsonPlan, type JsonStep, planReader } from '../helpers/plan-json.js';
import { fixturesDir, runCli } from '../helpers/run-cli.js';

const plan = planReader('unseen2');

const scripts = (json: JsonPlan) => json.paths.flatMap((path) => allSteps(path.steps)).flatMap((step) => (step.script === undefined ? [] : [step.script]));

describe('lines typed into another console are never bash (D1, D5)', () => {
  it('102: `127.0.0.1:6379> SAVE` in a bash block is typed into redis-cli, not run (bash would truncate a file named SAVE)', async () => {
    const json = await plan('102_01a_redis_dump_restore.md');
    const save = json.paths[0]!.steps.find((step) => step.title === 'Save the dataset')!;
    expect(save.kind).toBe('manual');
    expect(save.foreign).toEqual({ line: 32, language: 'bash', kind: 'prompt', text: '127.0.0.1:6379> SAVE' });
    expect(scripts(json).filter((script) => script.includes('6379>'))).toEqual([]);
    // The copy aside, stop and start still run.
    expect(scripts(json)).toContain('sudo systemctl stop redis-server.service');
    // W12: the copy aside (`dump.rdb` → `dump.bak.rdb`) overwrites no live database file.
    const aside = allSteps(json.paths[0]!.steps).find((step) => step.script?.includes('dump.bak.rdb')) as JsonStep & { destructive: unknown[] };
    expect(aside.destructive).toEqual([]);
  });

  it('100: Kibana Dev Tools requests in an `sh` block are sent by hand; no path runs `DELETE my-index`', async () => {
    const json = await plan('100_01a_elastic_snapshot_restore.md');
    expect(scripts(json).filter((script) => /^\s*(?:GET|POST|DELETE)\s/m.test(script))).toEqual([]);
    const drop = json.paths[0]!.steps.find((step) => step.title.startsWith('Delete and restore'))!;
    expect(drop.kind).toBe('manual');
    expect(drop.foreign).toMatchObject({ line: 48, kind: 'http', text: 'DELETE my-index' });
  });

  it('100: the docs-builder anchors `[delete-and-restore]` are not in the titles, and lint reports no placeholder (C0)', async () => {
    const json = await plan('100_01a_elastic_snapshot_restore.md');
    expect(json.paths.map((path) => path.title)).toEqual(['Delete and restore', 'Rename on restore']);
    const lint = await runCli(['lint', `${fixturesDir}/unseen2/100_01a_elastic_snapshot_restore.md`]);
    expect(`${lint.stdout}${lint.stderr}`).toMatch(/DELETE my-index/);
    expect(`${lint.stdout}${lint.stderr}`).not.toMatch(/placeholder/);
  });
});

describe('a conditional alternative is off by default (D4)', () => {
  it('103: "If you want to unapply all migrations … here\'s the command" is a conditional step, never run unattended', async () => {
    const json = await plan('103_01a_django_unapply_migrations.md');
    const zero = allSteps(json.paths[0]!.steps).find((step) => step.script === 'python3 manage.py migrate main_app zero')!;
    expect(zero.title).toBe('Unapply all migrations of the app');
    expect(zero.condition).toBe('if you want to unapply all migrations of the app');
  });
});

describe('ways of doing one thing are alternatives, never run one after another (D2, D3)', () => {
  it('104: each "Reset by/to …" strategy is its own path; a path runs the preview and exactly one --execute', async () => {
    const json = await plan('104_01a_kafka_offset_reset.md');
    expect(json.paths.map((path) => path.title)).toEqual(['Reset by shifting the offset', 'Reset by duration', 'Reset to the beginning', 'Reset to a date-time']);
    for (const path of json.paths) {
      const run = allSteps(path.steps).flatMap((step) => (step.script === undefined ? [] : [step.script]));
      expect(run.filter((script) => script.includes('--dry-run'))).toHaveLength(1);
      expect(run.filter((script) => script.includes('--execute'))).toHaveLength(1);
    }
  });

  it('105: Console / Command line / YAML are three paths; none runs both gcloud routes', async () => {
    const json = await plan('105_01a_cloud_run_traffic_rollback.md');
    expect(json.paths.map((path) => path.title)).toEqual(['Console', 'Command line', 'YAML']);
    // "Replace `SERVICE` with …": parameters, never the literal word (W5).
    const command = json.paths[1]!.steps.filter((step) => step.kind === 'shell');
    expect(command.map((step) => step.script)).toEqual(['gcloud run services update-traffic <SERVICE> --to-revisions <REVISION>=100']);
    for (const path of json.paths) {
      const run = allSteps(path.steps)
        .flatMap((step) => (step.script === undefined ? [] : [step.script]))
        .join('\n');
      expect(run.includes('update-traffic') && run.includes('services replace')).toBe(false);
    }
  });
});

describe('prompts of other manuals (W1)', () => {
  it("101: the MySQL manual's `$> ` is a prompt: the three mysqlbinlog commands are shell steps, the replays flagged (`mysql -p`)", async () => {
    const json = await plan('101_01a_mysql_binlog_pitr.md');
    const shell = json.paths[0]!.steps.filter((step) => step.kind === 'shell');
    expect(shell.map((step) => step.script!.split('\n')[0])).toEqual([
      'mysqlbinlog --start-datetime="2020-05-27 12:59:00" --stop-datetime="2020-05-27 13:06:00" \\',
      'mysqlbinlog --start-position=155 --stop-position=232 /var/lib/mysql/bin.123456 \\',
      'mysqlbinlog --start-position=355 /var/lib/mysql/bin.123456 \\',
    ]);
    expect(shell.map((step) => (step as { hazards?: unknown[] }).hazards?.length ?? 0)).toEqual([0, 1, 1]);
  });
});

describe('phases stay phases', () => {
  it('111: every path restores the config and runs `nginx -t` before reload or restart', async () => {
    const json = await plan('111_01a_nginx_config_revert.md');
    for (const path of json.paths) {
      const run = allSteps(path.steps).flatMap((step) => (step.script === undefined ? [] : [step.script]));
      expect(run.slice(0, 2)).toEqual(['sudo cp /etc/nginx/sites-available/default.bak /etc/nginx/sites-available/default', 'sudo nginx -t']);
    }
    expect(json.paths.map((path) => allSteps(path.steps).at(-1)!.script)).toEqual(['sudo nginx -s reload', 'sudo systemctl restart nginx']);
  });
});

describe('output is not a step (W4)', () => {
  it('110: the `output` fence after the az restore is its output, not a run-by-hand step', async () => {
    const json = await plan('110_01a_azure_pg_pitr_powershell.md');
    const linux = json.paths.find((path) => path.title.startsWith('Example 2'))!;
    expect(linux.steps.map((step) => step.kind)).toEqual(['shell', 'manual']);
    expect((linux.steps[0] as { output?: string[] }).output).toEqual(['{', '  "name": "pg-restore",', '  "state": "Ready"', '}']);
  });

  it('103, 106, 109: output after a lead that does not say so is the output of its command, never a run-by-hand step', async () => {
    const django = (await plan('103_01a_django_unapply_migrations.md')).paths[0]!.steps;
    const confirm = django.find((step) => step.title.startsWith('Run the same showmigrations'))!;
    expect(confirm).toMatchObject({ kind: 'shell', script: 'python3 manage.py showmigrations main_app' });
    expect((confirm as { output?: string[] }).output).toContain(' [ ] 0003_toy_alter_feeding_options_alter_feeding_date');
    const azure = (await plan('106_01a_azure_slot_swap.md')).paths[0]!.steps;
    expect(azure.map((step) => step.title).filter((title) => title.startsWith('This time'))).toEqual([]);
    expect((azure.find((step) => step.title === 'Run the curl command again') as { output?: string[] }).output).toEqual(['Hello, World!']);
    const liquibase = (await plan('109_01a_liquibase_rollback_count.md')).paths[0]!.steps;
    expect(liquibase.map((step) => step.title)).not.toContain('Output');
    expect((liquibase.at(-1) as { output?: string[] }).output).toEqual(expect.arrayContaining(["Liquibase command 'rollback-count' was executed successfully."]));
  });
});

describe('a preview or a judgement before the change is a go/no-go (W9, W10)', () => {
  it('104: every path stops after the `--dry-run` preview, before its `--execute`', async () => {
    const json = await plan('104_01a_kafka_offset_reset.md');
    for (const path of json.paths) expect(path.steps.find((step) => step.script?.includes('--dry-run'))?.gate).toMatch(/preview/);
  });

  it('111: "When confident that the test results work, apply" is a gate between `nginx -t` and the reload', async () => {
    const steps = (await plan('111_01a_nginx_config_revert.md')).paths[0]!.steps;
    const reload = steps.findIndex((step) => step.script === 'sudo nginx -s reload');
    expect(steps[reload - 1]).toMatchObject({ kind: 'manual', gate: 'When confident that the test results work, apply configuration' });
    expect(steps[reload - 2]!.script).toBe('sudo nginx -t');
  });
});

describe('a tutorial clean-up is not part of the rollback (W11)', () => {
  it('106: "Delete solution" (`az group delete`) is conditional, off unless the operator wants it', async () => {
    const steps = (await plan('106_01a_azure_slot_swap.md')).paths[0]!.steps;
    expect(steps.at(-1)).toMatchObject({ title: 'Delete solution', condition: expect.stringMatching(/^if you want to clean up/) });
    expect(steps.slice(0, -1).every((step) => !step.condition)).toBe(true);
  });
});

describe('notes are not to-dos (W2)', () => {
  it('101: the `> **Note**` under step 1 is a note of it, not an item to tick', async () => {
    const first = (await plan('101_01a_mysql_binlog_pitr.md')).paths[0]!.steps[0]! as JsonStep & { notes: string[] };
    expect(first.items).toEqual(['Restore the last full backup taken before tp. When it is finished, note the binary log position the backup stops at, and restart the server.']);
    expect(first.notes.some((note) => note.startsWith('Note InnoDB also prints a position'))).toBe(true);
  });
});

describe('syntax references are not commands (W6, W7)', () => {
  it('108: the cobra usage line never runs and asks for no `flags`; the two Options tables are no choice', async () => {
    const json = await plan('108_01a_argocd_app_rollback.md');
    const steps = json.paths[0]!.steps;
    expect(steps.map((step) => step.kind)).toEqual(['manual', 'manual', 'manual', 'manual', 'manual']);
    expect(steps[1]!.items).toEqual(['Syntax reference: a usage line, not a command (not run by runbook)']);
    expect((json as unknown as { parameters: unknown[] }).parameters).toEqual([]);
  });
});
