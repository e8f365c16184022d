// Plugin name → factory (upstream plugins/registry.go), and the default profile: the filters in
// upstream's order (cheap, unresolvable checks first, so their reasons win) and the scorers.
import type { FilterPlugin, Plugin, ScorePlugin } from './framework';
import { isFilterPlugin, isScorePlugin } from './framework';
import { newLeastAllocated, type LeastAllocatedArgs } from './plugins/least-allocated';
import { nodeName } from './plugins/node-name';
import { nodeReady } from './plugins/node-ready';
import { nodeResourcesFit } from './plugins/node-resources-fit';
import { nodeUnschedulable } from './plugins/node-unschedulable';
import { taintToleration } from './plugins/taint-toleration';

/** Typed args per plugin; plugins without args take none. */
export interface PluginArgs {
  NodeResourcesLeastAllocated: LeastAllocatedArgs;
}

export type PluginFactory = (args?: unknown) => Plugin;

const argsOf = <K extends keyof PluginArgs>(_name: K, args: unknown): PluginArgs[K] | undefined =>
  // Args come from our own profile config (typed by PluginArgs at the call site).
  args as PluginArgs[K] | undefined;

export const registry: Readonly<Record<string, PluginFactory>> = {
  [nodeUnschedulable.name]: () => nodeUnschedulable,
  [nodeName.name]: () => nodeName,
  [nodeReady.name]: () => nodeReady,
  [taintToleration.name]: () => taintToleration,
  [nodeResourcesFit.name]: () => nodeResourcesFit,
  NodeResourcesLeastAllocated: (args) => newLeastAllocated(argsOf('NodeResourcesLeastAllocated', args)),
};

export interface ProfileConfig {
  schedulerName: string;
  filters: string[];
  scores: { name: string; weight: number; args?: unknown }[];
}

export const defaultProfileConfig = (schedulerName = 'default-scheduler'): ProfileConfig => ({
  schedulerName,
  filters: ['NodeUnschedulable', 'NodeName', 'NodeReady', 'TaintToleration', 'NodeResourcesFit'],
  scores: [{ name: 'NodeResourcesLeastAllocated', weight: 1 }],
});

export interface Profile {
  schedulerName: string;
  filterPlugins: FilterPlugin[];
  scorePlugins: { plugin: ScorePlugin; weight: number }[];
}

const instantiate = (name: string, args?: unknown): Plugin => {
  const factory = registry[name];
  if (!factory) throw new Error(`plugin "${name}" is not registered`);
  return factory(args);
};

/** Builds a profile from its config; unknown names or wrong plugin kinds are configuration errors. */
export const buildProfile = (cfg: ProfileConfig): Profile => ({
  schedulerName: cfg.schedulerName,
  filterPlugins: cfg.filters.map((n) => {
    const p = instantiate(n);
    if (!isFilterPlugin(p)) throw new Error(`plugin "${n}" does not implement filter`);
    return p;
  }),
  scorePlugins: cfg.scores.map(({ name, weight, args }) => {
    const p = instantiate(name, args);
    if (!isScorePlugin(p)) throw new Error(`plugin "${name}" does not implement score`);
    return { plugin: p, weight };
  }),
});
