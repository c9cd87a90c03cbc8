// docker-compose.yml's Prometheus and Grafana cannot run here (no Docker engine): this checks that what
// they are given fits together: the port Prometheus scrapes is the one the worker serves, the files
// they are told to load are where the mounts put them, and the dashboard's data source is the one
// provisioned.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../src/config';

interface Service {
  image?: string;
  command?: string[];
  environment?: Record<string, string | number>;
  volumes?: string[];
  ports?: string[];
}

const compose = parse(readFileSync('docker-compose.yml', 'utf8'), { merge: true }) as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const { worker, prometheus, grafana } = compose.services;

/** The host path a container path comes from, through the service's bind mounts. */
function hostPath(service: Service, containerPath: string): string | undefined {
  for (const volume of service.volumes ?? []) {
    const [source, target] = volume.split(':') as [string, string];
    if (!source.startsWith('./')) continue;
    if (containerPath === target || containerPath.startsWith(`${target}/`)) return join(source, posix.relative(target, containerPath));
  }
  return undefined;
}

describe('docker-compose.yml metrics services', () => {
  it('runs pinned Prometheus and Grafana images on the host loopback only', () => {
    expect(prometheus?.image).toMatch(/^prom\/prometheus:\$\{PROMETHEUS_VERSION:-v\d+\.\d+\.\d+\}$/);
    expect(grafana?.image).toMatch(/^grafana\/grafana:\$\{GRAFANA_VERSION:-\d+\.\d+\.\d+\}$/);
    for (const service of [prometheus!, grafana!]) for (const port of service.ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
  });

  it('has Prometheus scrape the port every worker serves its metrics on, and load rule files that exist', () => {
    const env = Object.fromEntries(Object.entries(worker!.environment ?? {}).map(([k, v]) => [k, String(v)]));
    const config = loadConfig({ METRICS_PORT: env.METRICS_PORT, METRICS_HOST: env.METRICS_HOST });
    expect(config.metrics).toEqual({ host: '0.0.0.0', port: 9464 });
    const configFile = prometheus!.command!.find((arg) => arg.startsWith('--config.file='))!.split('=')[1]!;
    const prometheusYml = hostPath(prometheus!, configFile)!;
    expect(existsSync(prometheusYml)).toBe(true);
    const scrape = parse(readFileSync(prometheusYml, 'utf8')) as {
      rule_files: string[];
      scrape_configs: { job_name: string; dns_sd_configs: { names: string[]; port: number }[] }[];
    };
    const job = scrape.scrape_configs.find((c) => c.job_name === 'mx-guides-worker')!;
    expect(job.dns_sd_configs[0]).toMatchObject({ names: ['worker'], port: config.metrics.port });
    for (const file of scrape.rule_files) expect(existsSync(hostPath(prometheus!, file) ?? ''), file).toBe(true);
  });

  it("provisions Grafana's data source under the uid every dashboard query names, and the dashboards where the provider looks", () => {
    const provisioning = hostPath(grafana!, '/etc/grafana/provisioning')!;
    const datasources = parse(readFileSync(join(provisioning, 'datasources/prometheus.yml'), 'utf8')) as {
      datasources: { uid: string; url: string }[];
    };
    expect(datasources.datasources[0]).toMatchObject({ uid: 'prometheus', url: 'http://prometheus:9090' });
    const providers = parse(readFileSync(join(provisioning, 'dashboards/mx-guides.yml'), 'utf8')) as {
      providers: { options: { path: string } }[];
    };
    const dashboardsDir = hostPath(grafana!, providers.providers[0]!.options.path)!;
    const dashboards = readdirSync(dashboardsDir).filter((f) => f.endsWith('.json'));
    expect(dashboards).toContain('mx-guides.json');
    for (const file of dashboards) {
      const text = readFileSync(join(dashboardsDir, file), 'utf8');
      const uids = new Set([...text.matchAll(/"datasource":\s*\{[^}]*"uid":\s*"([^"]+)"/g)].map((m) => m[1]));
      expect([...uids], file).toEqual(['prometheus']);
    }
    const home = String(grafana!.environment!.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH);
    expect(existsSync(hostPath(grafana!, home) ?? '')).toBe(true);
    expect(Object.keys(compose.volumes)).toEqual(expect.arrayContaining(['prometheus-data', 'grafana-data']));
  });
});
