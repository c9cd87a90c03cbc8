// Reads deploy/'s Prometheus alert rules and Grafana dashboard, checking their shape as it goes, for
// the test that holds every query against the worker's live /metrics endpoint.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parser } from '@prometheus-io/lezer-promql';
import { parse } from 'yaml';

export interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels: { severity: string };
  annotations: { summary: string; description: string };
}

const PROMETHEUS_DIR = 'deploy/prometheus';
const DASHBOARDS_DIR = 'deploy/grafana/dashboards';

export function alertRules(): AlertRule[] {
  const config = parse(readFileSync(join(PROMETHEUS_DIR, 'prometheus.yml'), 'utf8')) as { rule_files: string[] };
  const rules: AlertRule[] = [];
  for (const file of config.rule_files) {
    // Inside the container the rule files sit in /etc/prometheus, where deploy/prometheus is mounted.
    const path = join(PROMETHEUS_DIR, file.replace(/^\/etc\/prometheus\//, ''));
    const document = parse(readFileSync(path, 'utf8')) as { groups: { name: string; rules: AlertRule[] }[] };
    for (const group of document.groups) {
      if (!group.name || !Array.isArray(group.rules) || group.rules.length === 0)
        throw new Error(`${path}: a group needs a name and rules`);
      for (const rule of group.rules) {
        const problems = [
          !/^[A-Z][A-Za-z0-9]+$/.test(rule.alert ?? '') && 'alert must be a CamelCase name',
          !(typeof rule.expr === 'string' && rule.expr.trim()) && 'expr is missing',
          rule.for !== undefined && !/^\d+[smh]$/.test(rule.for) && 'for must be a duration such as 5m',
          !['warning', 'critical'].includes(rule.labels?.severity) && 'labels.severity must be warning or critical',
          !(rule.annotations?.summary && rule.annotations?.description) && 'annotations need summary and description',
        ].filter(Boolean);
        if (problems.length) throw new Error(`${path}: rule ${rule.alert ?? '(unnamed)'}: ${problems.join('; ')}`);
        rules.push(rule);
      }
    }
  }
  return rules;
}

interface Panel {
  title?: string;
  type: string;
  targets?: { expr: string; datasource?: { uid: string } }[];
  panels?: Panel[];
}

export function dashboardQueries(): { where: string; expr: string }[] {
  const queries: { where: string; expr: string }[] = [];
  for (const file of readdirSync(DASHBOARDS_DIR).filter((f) => f.endsWith('.json'))) {
    const dashboard = JSON.parse(readFileSync(join(DASHBOARDS_DIR, file), 'utf8')) as { uid: string; title: string; panels: Panel[] };
    if (!dashboard.uid || !dashboard.title || !Array.isArray(dashboard.panels))
      throw new Error(`${file}: a dashboard needs uid, title and panels`);
    const visit = (panel: Panel) => {
      panel.panels?.forEach(visit);
      if (panel.type === 'row' || panel.type === 'text') return;
      if (!panel.targets?.length) throw new Error(`${file}: panel "${panel.title}" has no query`);
      for (const target of panel.targets) queries.push({ where: `${file} panel "${panel.title}"`, expr: target.expr });
    };
    dashboard.panels.forEach(visit);
  }
  return queries;
}

/**
 * The metric names a PromQL expression reads, from Prometheus' own PromQL grammar (the one its web UI
 * uses); throws, naming the position, when the expression does not parse. Grafana's $__rate_interval
 * is read as 5m.
 */
export function metricNamesIn(expr: string): string[] {
  return readPromQL(expr).metrics;
}

/** The label names an expression matches or groups on (`instance` and `job` are Prometheus' own). */
export function labelNamesIn(expr: string): string[] {
  return readPromQL(expr).labels.filter((name) => name !== 'instance' && name !== 'job');
}

function readPromQL(expr: string): { metrics: string[]; labels: string[] } {
  const promql = expr.replaceAll('$__rate_interval', '5m');
  const metrics = new Set<string>();
  const labels = new Set<string>();
  const errors: number[] = [];
  parser.parse(promql).iterate({
    enter: (node) => {
      if (node.type.isError) errors.push(node.from);
      if (node.name === 'Identifier' && node.node.parent?.name === 'VectorSelector') metrics.add(promql.slice(node.from, node.to));
      if (node.name === 'LabelName') labels.add(promql.slice(node.from, node.to));
    },
  });
  if (errors.length) throw new Error(`Not valid PromQL at character ${errors[0]}: ${promql}`);
  return { metrics: [...metrics], labels: [...labels] };
}
