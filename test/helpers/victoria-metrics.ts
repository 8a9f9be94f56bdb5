/**
 * A real VictoriaMetrics (Debian package victoria-metrics) for tests, started like
 * Prometheus: a free loopback port, temp storage, `-promscrape.config` with a short scrape
 * interval. It serves the Prometheus query and targets API, so runbook talks to it unchanged.
 *
 * `-search.latencyOffset=0s`: by default VictoriaMetrics hides the last 30 s of samples from
 * queries, which would keep every since-the-rollback window empty for half a minute (see
 * docs/verification.md).
 */

import { type PrometheusServer, type ScrapingServerOptions, startScrapingServer } from './prometheus.js';

/** The Debian binary unless `VICTORIA_METRICS_BIN` names another. */
export const victoriaMetricsBinary = process.env.VICTORIA_METRICS_BIN ?? '/usr/bin/victoria-metrics';

export function startVictoriaMetrics(options: ScrapingServerOptions): Promise<PrometheusServer> {
  return startScrapingServer(
    {
      name: 'VictoriaMetrics',
      binary: victoriaMetricsBinary,
      packageName: 'victoria-metrics',
      args: ({ port, config, storage }) => [
        `-httpListenAddr=127.0.0.1:${port}`,
        `-storageDataPath=${storage}`,
        `-promscrape.config=${config}`,
        '-search.latencyOffset=0s',
        // The shared config has Prometheus' evaluation_interval, which VictoriaMetrics does not know.
        '-promscrape.config.strictParse=false',
        '-loggerLevel=ERROR',
      ],
      // `/flags` lists the flags it runs with, one `-name="value"` a line.
      isOurs: async (url, storage) => {
        const response = await fetch(`${url}/flags`);
        return response.ok && (await response.text()).includes(`-storageDataPath="${storage}"`);
      },
    },
    options,
  );
}
