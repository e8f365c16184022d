// The agent's stats endpoints, as the kubelet serves them: /stats/summary (Summary API, JSON) and
// /metrics/resource (Prometheus text). Each request reads the runtime and /proc afresh.
import type http from 'node:http';
import type { ApiPod } from './pod-util';
import { StatsCollector, type CollectorDeps } from './stats-collector';
import { renderResourceMetrics } from './stats-resource-metrics';
import { buildSummary, type Summary } from './stats-summary';

export interface StatsProvider {
  summary(): Promise<Summary>;
  resourceMetrics(): Promise<string>;
}

export const statsPaths = new Set(['/stats/summary', '/stats/summary/', '/metrics/resource']);

export const newStatsProvider = (d: CollectorDeps & { nodeName: string; getPod(namespace: string, name: string): ApiPod | undefined }): StatsProvider => {
  const collector = new StatsCollector(d);
  return {
    summary: async () => {
      const { cur, prev } = await collector.sample();
      return buildSummary(d.nodeName, cur, prev, (ns, name) => d.getPod(ns, name)?.status?.startTime ?? undefined);
    },
    resourceMetrics: async () => renderResourceMetrics((await collector.sample()).cur),
  };
};

/** Answers one of statsPaths. */
export const serveStats = async (p: StatsProvider, pathname: string, res: http.ServerResponse): Promise<void> => {
  if (pathname === '/metrics/resource') {
    const text = await p.resourceMetrics();
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4; charset=utf-8' });
    res.end(text);
    return;
  }
  const body = JSON.stringify(await p.summary());
  res.writeHead(200, { 'Content-Type': 'application/json' });
  res.end(body);
};
