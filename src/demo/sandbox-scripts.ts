/**
 * The commands the 21_01a note runs, as the sandbox provides them: `make
 * day-12-restart-butler` really restarts the sandbox's butler service, `poetry run pytest
 * tests/smoke/` is a smoke check against it, and `curl` forwards the note's
 * `127.0.0.1:9090` to the sandbox's own Prometheus (which runs on a free port).
 */

export interface SandboxLayout {
  root: string;
  home: string;
  bin: string;
  envFile: string;
  butlerPort: number;
  prometheusPort: number;
  /** How to start the butler: node and the runbook CLI that has the hidden `__butler` command. */
  node: string;
  runbookBin: string;
}

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

export function makeScript(layout: SandboxLayout): string {
  const pidFile = `${layout.root}/butler.pid`;
  return `#!/usr/bin/env bash
# Sandbox make: knows one target, the butler restart of the 21_01a rollback.
set -euo pipefail
pid_file=${quote(pidFile)}
port=${layout.butlerPort}
case "\${1:-}" in
  day-12-restart-butler)
    if [ -f "$pid_file" ]; then
      pid=$(cat "$pid_file")
      kill "$pid" 2>/dev/null || true
      for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
      echo "butler stopped (pid $pid)"
    fi
    # setsid: the service outlives this step's process group, as a real service would.
    setsid ${quote(layout.node)} ${quote(layout.runbookBin)} __butler --port "$port" --env-file ${quote(layout.envFile)} --pid-file "$pid_file" \\
      >>${quote(`${layout.root}/butler.log`)} 2>&1 </dev/null &
    # Up to 30 s: node starting the service on a busy machine (a test run) can be slow.
    for _ in $(seq 600); do
      if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "butler started (pid $(cat "$pid_file" 2>/dev/null || echo '?'), port $port)"
        exit 0
      fi
      sleep 0.05
    done
    echo "make: butler did not come up on port $port; see ${layout.root}/butler.log" >&2
    exit 1
    ;;
  *)
    echo "make: the sandbox has no target '\${1:-}'" >&2
    exit 2
    ;;
esac
`;
}

export function poetryScript(layout: SandboxLayout): string {
  return `#!/usr/bin/env bash
# Sandbox poetry: \`poetry run pytest tests/smoke/\` checks the butler's health endpoint.
set -uo pipefail
case "$*" in
  "run pytest tests/smoke/"*)
    echo "tests/smoke/test_butler.py::test_healthz"
    body=$(curl -s -w ' HTTP %{http_code}' "http://127.0.0.1:${layout.butlerPort}/healthz")
    echo "  $body"
    case "$body" in
      *"HTTP 200") echo "1 passed"; exit 0 ;;
      *) echo "1 failed"; exit 1 ;;
    esac
    ;;
  *)
    echo "poetry: the sandbox only runs 'poetry run pytest tests/smoke/'" >&2
    exit 2
    ;;
esac
`;
}

export function curlScript(layout: SandboxLayout, realCurl: string): string {
  return `#!/usr/bin/env bash
# Sandbox curl: the note checks Prometheus at 127.0.0.1:9090; the sandbox's runs on ${layout.prometheusPort}.
args=()
for arg in "$@"; do args+=("\${arg//127.0.0.1:9090/127.0.0.1:${layout.prometheusPort}}"); done
exec ${quote(realCurl)} "\${args[@]}"
`;
}

export function prometheusConfig(layout: SandboxLayout): string {
  return `global:
  scrape_interval: 1s
  scrape_timeout: 900ms
  evaluation_interval: 1s
scrape_configs:
  - job_name: butler
    static_configs:
      - targets: ['127.0.0.1:${layout.butlerPort}']
`;
}
