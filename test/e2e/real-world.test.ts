/**
 * One end-to-end test per real-world sample (test/fixtures/real-world/, adapted from public
 * runbooks): the plan `runbook show --json` gives, outlined step by step — sequence or choice,
 * options, gates, destructive and flagged commands, output, non-shell code — plus parameters,
 * flags and checks. Where the reading deviates from the samples' README it says so.
 */

import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/run-cli.js';

const dir = new URL('../fixtures/real-world/', import.meta.url).pathname;

interface JsonStep {
  kind: string;
  title: string;
  gate: string | null;
  destructive?: unknown[];
  hazards?: unknown[];
  dataRollback: unknown;
  output: string[];
  code?: { language: string; text?: string } | null;
  mislabelled?: unknown;
  script?: string;
  line?: number;
  items?: string[];
  notes?: string[];
  parameters?: unknown[];
  options?: { letter: string; title: string; steps: JsonStep[] }[];
  condition?: string | null;
  scope?: string | null;
}

function outline(steps: JsonStep[], pad: string, out: string[]): string[] {
  for (const step of steps) {
    const marks = [
      step.gate ? 'gate' : '',
      step.destructive?.length ? 'destructive' : '',
      step.hazards?.length ? 'flagged' : '',
      step.dataRollback ? 'data-rollback' : '',
      step.output.length ? 'output' : '',
      step.kind === 'manual' && step.code ? `code ${step.code.language}` : '',
      step.mislabelled ? 'mislabelled' : '',
      step.condition ? `${step.condition.split(' ').slice(0, 4).join(' ')}…` : '',
      step.scope ? `on ${step.scope}` : '',
    ].filter(Boolean);
    out.push(`${pad}${step.kind} ${step.title.slice(0, 60)}${marks.length ? ` [${marks.join(', ')}]` : ''}`);
    for (const option of step.options ?? []) {
      out.push(`${pad}  ${option.letter}) ${option.title.slice(0, 60)}`);
      outline(option.steps, `${pad}    `, out);
    }
  }
  return out;
}

async function show(note: string) {
  const result = await runCli(['show', `${dir}${note}`, '--json']);
  expect(result.stderr).toBe('');
  expect(result.exitCode).toBe(0);
  return JSON.parse(result.stdout);
}

const cases = [
  {
    note: '51_01a_sourcegraph_downgrade.md',
    outline: [
      'PATH Multiversion downgrades - downgrade with migrator',
      '  shell Disable feature flag',
      '  manual Turn off every service that connects to the databases',
      '  manual Set the command: value in docker-compose.yaml [code yaml]',
      '  shell Run docker-compose up -d migrator [output]',
      '  manual Revert the manifests to the version you are going back to, a',
      '  manual Check the databases with the migrator drift command',
      'PATH Rolling back a standard upgrade',
      '  shell Disable feature flag',
      '  choice Choose one: Docker-compose / Kubernetes',
      '    a) Docker-compose',
      '      manual Docker-compose',
      '    b) Kubernetes',
      '      manual Kubernetes',
      '      choice Kubernetes: choose one',
      '        a) Rollback with Kustomize',
      '          shell Re-generate manifests',
      '          shell Review manifests [gate, flagged]',
      '          shell Re-deploy [destructive]',
      '        b) Rollback without Kustomize',
      '          shell For Sourcegraph before v4.5.0, or for instances still on dep',
    ],
    facts: { parameters: ['from', 'to', 'YOUR_INSTANCE'], flags: ['USE_NEW_SEARCH_RANKING=false'], prometheus: 'http://127.0.0.1:9090', checks: [] },
  },
  {
    note: '52_01a_gitlab_package_rollback.md',
    outline: [
      'PATH Roll back a Linux package instance',
      '  shell Disable feature flag',
      '  manual Prerequisites',
      '  shell Stop GitLab and remove the current package',
      '  choice Stop GitLab and remove the current package',
      '    a) Ubuntu',
      '      shell Stop GitLab and remove the current package (Ubuntu) [destructive]',
      '    b) Centos',
      '      shell Stop GitLab and remove the current package (Centos) [destructive, flagged]',
      '  choice Identify the GitLab version you want to roll back to',
      '    a) Ubuntu',
      '      shell Identify the GitLab version you want to roll back to (Ubuntu',
      '    b) CentOS',
      '      shell Identify the GitLab version you want to roll back to (CentOS',
      '  choice Roll back GitLab to the desired version (for example, to Git',
      '    a) Ubuntu',
      '      shell Roll back GitLab to the desired version (for example, to Git [flagged]',
      '    b) CentOS',
      '      shell Roll back GitLab to the desired version (for example, to Git [flagged]',
      '  shell Reconfigure GitLab',
      '  manual Restore GitLab to complete the roll back.',
      'PATH Roll back a Docker instance',
      '  shell Disable feature flag',
      '  manual Prerequisites',
      '  manual Follow the upgrade procedure, specifying an earlier version ',
      '  manual Restore the database backup you made before the upgrade.',
    ],
    facts: { parameters: ['ee', 'version', 'el8'], flags: ['USE_NEW_MERGE_TRAINS=false'], prometheus: 'http://127.0.0.1:9090', checks: [] },
  },
  {
    note: '53_01a_argo_rollouts_abort.md',
    outline: [
      'PATH Rollback Procedure',
      '  shell Disable the canary feature flag',
      '  shell Abort the update',
      '  shell Watch the Rollout fall back [flagged]',
      '  manual Make the Rollout Healthy again [code yaml, mislabelled]',
    ],
    facts: { parameters: [], flags: ['USE_NEW_CHECKOUT_FLOW=false'], prometheus: 'http://127.0.0.1:9090', checks: ['Rollout degraded >0', 'Available replicas <4', 'Checkout error rate >1%'] },
  },
  {
    note: '54_01a_photoprism_restore_index.md',
    outline: [
      'PATH Restore Command',
      '  choice A restore needs the files of your originals folder and a cop',
      '    a) with backup copies of both the storage and the originals fol',
      '      manual with backup copies of both the storage and the originals fol',
      '    b) without them',
      '      manual without them',
      '    c) with no copy of the index database at all',
      '      manual with no copy of the index database at all',
      '  choice Restore the index from a MariaDB dump you already have',
      '    a) To restore the index from a MariaDB dump you already have, r',
      '      shell To restore the index from a MariaDB dump you already have, r',
      '    b) When you run Podman on a Red Hat-compatible Linux distributi',
      '      shell When you run Podman on a Red Hat-compatible Linux distributi',
      '    c) Leave out the -f flag so that an existing index is not overw',
      '      shell Leave out the -f flag so that an existing index is not overw',
      '  manual Sign in with the old one [if you changed your…]',
      'PATH Manual Update',
      '  choice A restore needs the files of your originals folder and a cop',
      '    a) with backup copies of both the storage and the originals fol',
      '      manual with backup copies of both the storage and the originals fol',
      '    b) without them',
      '      manual without them',
      '    c) with no copy of the index database at all',
      '      manual with no copy of the index database at all',
      '  choice Manual Update',
      '    a) If MariaDB will not start after the update because its inter',
      '      shell If MariaDB will not start after the update because its inter [flagged]',
      '      manual Type the MariaDB "root" password from your compose.yaml or d',
      '    b) Alternatively, go back to the previous version, take a datab',
      '      manual Alternatively, go back to the previous version, take a datab',
    ],
    facts: { parameters: ['filename'], flags: [], prometheus: 'http://127.0.0.1:9090', checks: [] },
  },
  {
    note: '55_01a_k3s_version_rollback.md',
    outline: [
      'PATH Rollback Procedure',
      '  manual Important Considerations',
      '  choice Rolling Back a K3s Cluster',
      '    a) SQLite',
      '      manual SQLite',
      '    b) Embedded etcd',
      '      shell Stop the workloads gracefully by draining all nodes [if the cluster is…]',
      '      shell Stop the K3s service and all running pod processes [on each node]',
      '      choice Roll the K3s binary back to the previous version, but do not [on each node]',
      '        a) Clusters with Internet Access',
      '          choice Clusters with Internet Access [on each node]',
      '            a) Server nodes',
      '              shell Server nodes [on server nodes]',
      '            b) Agent nodes',
      '              shell Agent nodes [on agent nodes]',
      '        b) Air-gapped Clusters',
      '          manual Air-gapped Clusters [on each node]',
      '      shell On the first server node, or the node without a server: entr [destructive, on the first server node]',
      '      shell Start the K3s service on the first server node [on the first server node]',
      '      shell Remove the K3s database directory [destructive, on the other server nodes]',
      '      shell Start the K3s service on the other server nodes [on the other server nodes]',
      '      shell Start the K3s service on all agent nodes [on all agent nodes]',
      '      manual Check the K3s service status with systemctl status k3s.',
      '    c) External Database',
      '      shell Stop the workloads gracefully by draining all nodes [if the cluster is…]',
      '      shell Stop the K3s service and all running pod processes [on each node]',
      '      shell Restore a database snapshot taken before the K3s upgrade and [destructive, flagged]',
      '      choice Roll the K3s binary back to the previous version. [on each node]',
      '        a) Clusters with Internet Access',
      '          choice Clusters with Internet Access [on each node]',
      '            a) Server nodes',
      '              shell Server nodes [on server nodes]',
      '            b) Agent nodes',
      '              shell Agent nodes [on agent nodes]',
      '        b) Air-gapped Clusters',
      '          manual Air-gapped Clusters [on each node]',
      '      shell Start the K3s service on each node [on each node]',
      '      manual Check the K3s service status with systemctl status k3s.',
      '  manual Verification',
    ],
    facts: {
      parameters: ['NODE-ONE-NAME', 'NODE-TWO-NAME', 'NODE-THREE-NAME', 'vX.Y.Zk3s1', 'PATH-TO-SNAPSHOT', 'DB-USER', 'DB-NAME', 'BACKUP-FILE'],
      flags: [],
      prometheus: 'http://127.0.0.1:9090',
      checks: ['API server 5xx ratio >2%', 'Nodes not ready >0', 'etcd leader changes (1h) >2'],
    },
  },
  {
    note: '56_01a_cray_sls_postgres_restore.md',
    outline: [
      'PATH Rollback Procedure',
      '  shell Healthy Postgres Cluster. [flagged, output]',
      '  shell A backup of the SLS Postgres cluster taken earlier, either m [output]',
      '  choice Retrieve a previously taken SLS Postgres backup. It is eithe',
      '    a) From a previous manual backup',
      '      manual Copy over the folder or tarball that holds the Postgres back',
      '      shell Set the environment variable POSTGRES_SQL_FILE to point towa',
      '      shell Set the environment variable POSTGRES_SECRET_MANIFEST to poi',
      '    b) From a previous automatic Postgres backup',
      '      shell Check for available backups [output]',
      '      shell Set these environment variables to the names of the backup f',
      '      shell Download the .psql file for the postgres backup',
      '      shell Download the .manifest file for the SLS backup',
      '      shell Set environment variables to the full paths of the .psql and',
      '  shell Verify the POSTGRES_SQL_FILE and POSTGRES_SECRET_MANIFEST en [output]',
      '  shell Re-run the SLS loader job',
      '  shell Determine the leader of the Postgres cluster [output]',
      '  shell Determine the database schema version of the running SLS dat [gate, flagged, output]',
      '  shell Restore the database from the backup with the restore_sls_po [destructive]',
      '  manual Check the health of the SLS Postgres cluster by running the ',
      '  shell Verify that the service is functional [output]',
    ],
    facts: { parameters: ['POSTGRES_SQL_FILE', 'POSTGRES_SECRET_MANIFEST', 'POSTGRES_SECRET_MANIFEST_NAME', 'POSTGRES_SQL_FILE_NAME'], flags: [], prometheus: 'http://127.0.0.1:9090', checks: [] },
  },
  {
    note: '57_01a_gitlab_com_application_rollback.md',
    outline: [
      'PATH Rollback Procedure',
      '  manual Make sure an ~S1 / ~S2 issue exists, or a Google doc when Gi',
      '  manual Page the IMOC so they know a rollback is about to start [code text]',
      '  manual Page the on-call DBRE to review what the rollback does to th [code text]',
      '  manual The DBRE reviews the database considerations for a rollback. [gate]',
      '  shell Switch the feature flag off before the rollback starts',
      '  manual Start the rollback together with the Delivery team, through ',
    ],
    facts: {
      parameters: ['Issue or doc link'],
      flags: ['USE_NEW_PIPELINE_EDITOR=false'],
      prometheus: 'http://127.0.0.1:9090',
      checks: ['Prometheus versions running >1', 'Prometheus restarts (1h) >3', 'Thanos targets up <95%'],
    },
  },
  {
    note: '58_01a_synapse_schema_rollback.md',
    outline: [
      'PATH Rolling back to older versions',
      '  shell Disable feature flag',
      '  choice Undo whatever the upgrade changed',
      '    a) pip',
      '      shell pip',
      '    b) Debian',
      '      shell Debian',
      '  manual Restart Synapse Homeserver',
      'PATH Rolling back to v1.25.0 after a failed upgrade',
      '  shell Disable feature flag',
      '  manual Stop the server',
      '  manual Decrease the schema version in the database [flagged, code sql]',
      '  manual Delete the ignored users & chain cover data [flagged, code sql]',
      '  choice Delete the ignored users & chain cover data: choose one',
      '    a) For PostgreSQL run',
      '      manual For PostgreSQL run [flagged, code sql]',
      '    b) For SQLite run',
      '      manual For SQLite run [flagged, code sql]',
      '  manual Mark the deltas as not run (so they will re-run on upgrade). [flagged, code sql]',
      '  choice Downgrade Synapse itself',
      '    a) pip',
      '      shell pip',
      '    b) Debian',
      '      shell Debian',
      '  manual Restart Synapse Homeserver',
    ],
    facts: {
      parameters: ['version', 'stretch'],
      flags: ['USE_NEW_AUTH_CHAIN_INDEX=false'],
      prometheus: 'http://127.0.0.1:9090',
      checks: ['Client API latency (p95) >500ms', 'Synapse process up <1', 'Server error responses >2%'],
    },
  },
];

describe('real-world notes read as their README describes', () => {
  it.each(cases)('$note', async ({ note, outline: expected, facts }) => {
    const plan = await show(note);
    const lines: string[] = [];
    for (const path of plan.paths) lines.push(`PATH ${path.title}`, ...outline(path.steps, '  ', []));
    expect(lines).toEqual(expected);
    expect({
      parameters: plan.parameters.map((parameter: { name: string }) => parameter.name),
      flags: plan.flags.map((flag: { name: string; rollbackValue: string }) => `${flag.name}=${flag.rollbackValue}`),
      prometheus: plan.prometheus.url,
      checks: plan.checks.map((check: { metric: string; thresholdText: string | null }) => `${check.metric} ${check.thresholdText ?? ''}`),
    }).toEqual(facts);
  });
});

describe('what a run of a real-world note would run', () => {
  it('51: prompts decorated with directory and branch, λ prompts and output lines: only the two commands run, in that directory', async () => {
    const plan = await show('51_01a_sourcegraph_downgrade.md');
    const step = plan.paths[0].steps[3];
    expect(step.script).toBe('cd ~/deploy-sourcegraph-docker/docker-compose/ && docker-compose up -d migrator\ncd ~/deploy-sourcegraph-docker/docker-compose/ && docker logs migrator');
    expect(step.output).toContain('Recreating migrator ... done');
    const kustomize = plan.paths[1].steps[1].options[1].steps[1].options[0].steps;
    expect(kustomize[0].script).toBe('kubectl kustomize instances/<YOUR_INSTANCE> -o cluster-rollback.yaml');
    expect(kustomize[2].destructive[0].reason).toBe('deletes every resource that is not in the file (`--prune`)');
  });

  it('51: "before you run `downgrade`", written after the example, comes before the step that does the downgrade; the "after" bullet and the drift Note come after it', async () => {
    const plan = await show('51_01a_sourcegraph_downgrade.md');
    const [, turnOff, config, run, revert, drift] = plan.paths[0].steps;
    expect([turnOff.line, config.line, run.line, revert.line, drift.line]).toEqual([72, 49, 52, 73, 27]);
    expect(turnOff.items).toEqual(['Turn off every service that connects to the databases before you run downgrade']);
    expect(revert.notes).toContain('A downgrade follows much the same procedure as a multiversion upgrade');
    // The yaml block is the value to write: shown, never run; its example versions are parameters.
    expect(config.items).toEqual(['Write this into docker-compose.yaml (yaml block, not run by runbook)']);
    expect(config.parameters).toEqual(['from', 'to']);
    expect(config.code).toEqual({ language: 'yaml', text: "command: ['downgrade', '--from=<from>', '--to=<to>']" });
    const given = JSON.parse((await runCli(['show', `${dir}51_01a_sourcegraph_downgrade.md`, '--json', '--set', 'from=v4.2.0'])).stdout);
    expect(given.paths[0].steps[2].code.text).toBe("command: ['downgrade', '--from=v4.2.0', '--to=<to>']");
    expect(drift.items[0]).toMatch(/^Note: As a precaution, after any downgrade check the databases/);
    // The standard-upgrade path does no downgrade: no drift step there.
    expect(plan.paths[1].steps.map((step: JsonStep) => step.title)).not.toContain(drift.title);
  });

  it('52: per-OS lines of one block are options; the example version, the edition the comments say to replace and the EL release are parameters', async () => {
    const plan = await show('52_01a_gitlab_package_rollback.md');
    const [, prerequisites, , , identify, install] = plan.paths[0].steps;
    expect(install.options.map((option: { steps: JsonStep[] }) => option.steps[0]!.script)).toEqual(['sudo apt install gitlab-<ee>=<version>-<ee>.0', 'sudo yum install gitlab-<ee>-<version>-<ee>.0.<el8>']);
    expect(identify.options.map((option: { steps: JsonStep[] }) => option.steps[0]!.script)).toEqual(['sudo apt-cache madison gitlab-<ee>', 'sudo yum --showduplicates list gitlab-<ee>']);
    // The remove block has no "Replace with" comment: the edition is still the parameter there.
    expect(plan.paths[0].steps[3].options.map((option: { steps: JsonStep[] }) => option.steps[0]!.script)).toEqual(['sudo dpkg -r gitlab-<ee>', 'sudo yum remove gitlab-<ee>']);
    expect(plan.parameters.find((parameter: { name: string }) => parameter.name === 'ee').lines).toEqual([51, 54, 63, 66, 75, 78]);
    // The Prerequisites checklist is shared by both paths, titled by its heading.
    expect(prerequisites.notes).toEqual(["The upgrade's migrations have to be undone, so you need"]);
    expect(plan.paths[1].steps[1]).toEqual(prerequisites);
    // Path B: the alert markup is gone from the notes; the inline SKIP=… is an argument in the text, never a command.
    const docker = plan.paths[1].steps;
    expect(docker[2].notes.join('\n')).not.toMatch(/\{\{|alert/);
    expect(docker.map((step: JsonStep) => step.kind)).toEqual(['shell', 'manual', 'manual', 'manual']);
  });

  it('53: the yaml-labelled command is shown, never run, and the dry run says to label it bash', async () => {
    const result = await runCli(['rollback', `${dir}53_01a_argo_rollouts_abort.md`, '--dry-run']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('the yaml block (line 65) holds a shell command: not run; label it bash if it should run');
    expect(result.stdout).toContain('flagged (line 55): kubectl argo rollouts get rollout rollouts-demo --watch — never exits (`--watch`)');
  });

  it('54: the pointer-only "MariaDB Server Migration" section is a note of each path, not a step; [filename] is a parameter', async () => {
    const plan = await show('54_01a_photoprism_restore_index.md');
    for (const path of plan.paths) expect(path.steps.at(-1).notes.at(-1)).toMatch(/^MariaDB Server Migration: Moving your MariaDB database to another server/);
    expect(plan.paths[0].steps[1].options[2].steps[0].script).toBe('docker compose exec photoprism photoprism restore -i <filename>');
    // The password sentence is step 2 of path A; the mkdocs `!!! tldr ""` box is a note, its markup gone.
    expect(plan.paths[0].steps[2].items).toEqual(['Restoring the database also restores every user account and password: if you changed your password since the dump was taken, sign in with the old one.']);
    expect(plan.paths[0].steps[2].notes[0]).toMatch(/^The examples use the newer docker compose command\./);
  });

  it('58: the v1.25.0 path ends with the generic downgrade, 1.25.0 filled in, then the restart; the sql is typed into a console', async () => {
    const plan = await show('58_01a_synapse_schema_rollback.md');
    const [generic, release] = plan.paths;
    expect(generic.steps[1].options.map((option: { steps: JsonStep[] }) => option.steps[0]!.script)).toEqual([
      'source env/bin/activate\n# replace `1.3.0` accordingly:\npip install matrix-synapse==<version>',
      '# replace `1.3.0` and `stretch` accordingly:\nwget https://packages.matrix.org/debian/pool/main/m/matrix-synapse-py3/matrix-synapse-py3_<version>+<stretch>1_amd64.deb\ndpkg -i matrix-synapse-py3_<version>+<stretch>1_amd64.deb',
    ]);
    const downgrade = release.steps.at(-2);
    expect(downgrade.options.map((option: { steps: JsonStep[] }) => option.steps[0]!.script)).toEqual([
      'source env/bin/activate\n# replace `1.3.0` accordingly:\npip install matrix-synapse==1.25.0',
      '# replace `1.3.0` and `stretch` accordingly:\nwget https://packages.matrix.org/debian/pool/main/m/matrix-synapse-py3/matrix-synapse-py3_1.25.0+<stretch>1_amd64.deb\ndpkg -i matrix-synapse-py3_1.25.0+<stretch>1_amd64.deb',
    ]);
    expect(downgrade.notes[0]).toMatch(/^Downgrade Synapse itself, following the instructions .* "Rolling back to older versions" section above\./);
    // The compatibility paragraph and the table are notes of the generic choice; the HTML comment is nowhere.
    expect(generic.steps[1].notes).toHaveLength(2);
    expect(JSON.stringify(plan)).not.toContain('REPLACE_WITH_SCHEMA_VERSIONS');
    expect(release.steps[2].hazards[0].reason).toBe('typed into an interactive database console (psql, mysql, sqlite3, …)');
    // The quirk kept from the original: double-quoted file names are strings to SQLite only.
    expect(release.steps[5].notes).toEqual([
      `line 102 compares with a "double-quoted" value: SQLite and MySQL read it as a string, PostgreSQL (and standard SQL) as a column name; on PostgreSQL write it in 'single quotes'`,
    ]);
    expect(release.steps.at(-1).items[0]).toMatch(/^Restart Synapse Homeserver so that it runs the version just installed/);
    // `env/` is relative to Synapse's install directory: the pip step says where it must run.
    expect(generic.steps[1].options[0].steps[0].notes).toEqual(['`env/bin/activate` is a path relative to the directory the step runs in: start runbook in the directory the note means, or add a `cd` to the block']);
  });

  it('58: --yes on the v1.25.0 path needs no <version> (the path names it) but still the codename for Debian', async () => {
    // Refused before any step runs (exit 2): nothing is run here.
    const release = await runCli(['rollback', `${dir}58_01a_synapse_schema_rollback.md`, '--yes', '--path', '2', '--choose', 'Downgrade=b']);
    expect([release.exitCode, release.stderr.trim()]).toEqual([2, 'runbook: the steps need <stretch>: give --set stretch=VALUE']);
    const generic = await runCli(['rollback', `${dir}58_01a_synapse_schema_rollback.md`, '--yes', '--path', '1', '--choose', '2=b']);
    expect([generic.exitCode, generic.stderr.trim()]).toEqual([2, 'runbook: the steps need <version>, <stretch>: give --set version=VALUE --set stretch=VALUE']);
  });

  it('56: ncn# prompts stripped, output left out of the scripts, the gate after the schema comparison', async () => {
    const plan = await show('56_01a_cray_sls_postgres_restore.md');
    const steps = plan.paths[0].steps;
    // The listing, then the names read from it, then the downloads: each its own step.
    expect(steps[2].options[1].steps.map((step: JsonStep) => step.script)).toEqual([
      `cray artifacts list postgres-backup --format json | jq -r '.artifacts[].Key | select(contains("sls"))'`,
      'export POSTGRES_SECRET_MANIFEST_NAME=<POSTGRES_SECRET_MANIFEST_NAME>\nexport POSTGRES_SQL_FILE_NAME=<POSTGRES_SQL_FILE_NAME>',
      'cray artifacts get postgres-backup "$POSTGRES_SQL_FILE_NAME" "$POSTGRES_SQL_FILE_NAME"',
      'cray artifacts get postgres-backup "$POSTGRES_SECRET_MANIFEST_NAME" "$POSTGRES_SECRET_MANIFEST_NAME"',
      'export POSTGRES_SQL_FILE=$(realpath "$POSTGRES_SQL_FILE_NAME")\nexport POSTGRES_SECRET_MANIFEST=$(realpath "$POSTGRES_SECRET_MANIFEST_NAME")',
    ]);
    // Re-creating the loader Job from its own definition re-runs it: not destructive (command-hazards.ts rerunsJob).
    expect(steps[4].destructive).toEqual([]);
    // Both schema queries are one step, their example outputs under it, the gate after them.
    expect(steps[6].script).toBe(
      `kubectl exec $POSTGRES_LEADER -n services -c postgres -it -- bash -c "psql -U slsuser -d sls -c 'SELECT * FROM schema_migrations'"\ncat "$POSTGRES_SQL_FILE" | grep "COPY public.schema_migrations" -A 2`,
    );
    expect(steps[6].output).toEqual([' version | dirty', '---------+-------', '       3 | f', '(1 row)', 'COPY public.schema_migrations (version, dirty) FROM stdin;', '3       f', '\\.']);
    expect(steps[9].script).toBe('cray sls version list\ncray sls hardware list --format json | jq .[].Xname | wc -l\ncray sls networks list --format json | jq -r .[].Name');
    expect(steps[3].script).toBe('echo "$POSTGRES_SQL_FILE"\necho "$POSTGRES_SECRET_MANIFEST"');
    expect(steps[3].output).toEqual([
      '/root/cray-sls-postgres-backup_2021-07-07_16-39-44/cray-sls-postgres-backup_2021-07-07_16-39-44.psql',
      '/root/cray-sls-postgres-backup_2021-07-07_16-39-44/cray-sls-postgres-backup_2021-07-07_16-39-44.manifest',
    ]);
    expect(steps[6].gate).toBe('If the two schema versions match, go on to the next step. If they do not, this Postgres backup does not fit the SLS instance that is running now.');
  });

  it('57: chat messages in unlabelled fences are never shell; the free-text parameter is listed, not required', async () => {
    const plan = await show('57_01a_gitlab_com_application_rollback.md');
    expect(plan.paths[0].steps[1].code.text).toBe('/pd-moc We are initiating a rollback of GitLab.com, for more information see <Issue or doc link>');
    expect(plan.parameters).toEqual([{ name: 'Issue or doc link', lines: [32, 36], value: null, manualOnly: true }]);
  });

  it('variables the steps use but no step sets are listed, unless the environment provides them', async () => {
    const note = new URL('../fixtures/notes/parameter-spellings.md', import.meta.url).pathname;
    const bare = JSON.parse((await runCli(['show', note, '--json'])).stdout);
    expect(bare.unsetVariables).toEqual([
      { name: 'NEVER_SET', lines: [13] },
      { name: 'ALSO_NEVER_SET', lines: [13] },
    ]);
    const provided = JSON.parse((await runCli(['show', note, '--json'], { env: { ...process.env, NEVER_SET: 'x' } })).stdout);
    expect(provided.unsetVariables).toEqual([{ name: 'ALSO_NEVER_SET', lines: [13] }]);
  });
});
