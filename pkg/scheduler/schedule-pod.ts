// One pod against a snapshot of nodes: preFilter → filter every node → score the feasible ones →
// pick the best, ties broken at random (upstream schedule_one.go schedulePod, findNodesThatFit,
// prioritizeNodes, selectHost). Pure and synchronous: no I/O, so it is unit-testable as is.
import type { Pod } from '../../api/core/v1';
import type { Diagnosis, NodeScore, Status } from './framework';
import { CycleState, FitError, isRejected, isSuccess, noNodesAvailableMessage } from './framework';
import type { NodeInfo } from './node-info';
import type { Profile } from './registry';

export type ScheduleResult =
  | { kind: 'scheduled'; nodeName: string; evaluatedNodes: number; feasibleNodes: number }
  | { kind: 'unschedulable'; error: FitError }
  | { kind: 'error'; message: string };

const withPlugin = (s: Status, plugin: string): Status => ({ ...s, plugin });

/** Runs every preFilter; returns the plugins to skip, or the status that rejects the pod everywhere. */
const runPreFilter = (profile: Profile, state: CycleState, pod: Pod): { skip: Set<string> } | { status: Status } => {
  const skip = new Set<string>();
  const plugins = [...profile.filterPlugins, ...profile.scorePlugins.map((s) => s.plugin)];
  for (const p of plugins) {
    const s = p.preFilter?.(state, pod);
    if (s?.code === 'Skip') skip.add(p.name);
    else if (!isSuccess(s) && s) return { status: withPlugin(s, p.name) };
  }
  return { skip };
};

/** The first failing filter's status for `node` (upstream RunFilterPlugins stops there too). */
const runFilters = (profile: Profile, state: CycleState, pod: Pod, node: NodeInfo, skip: Set<string>): Status | undefined => {
  for (const p of profile.filterPlugins) {
    if (skip.has(p.name)) continue;
    const s = p.filter(state, pod, node);
    if (!isSuccess(s) && s) return withPlugin(s, p.name);
  }
  return undefined;
};

const prioritize = (profile: Profile, state: CycleState, pod: Pod, nodes: NodeInfo[]): NodeScore[] => {
  const totals = nodes.map((n) => ({ name: n.name, score: 0 }));
  for (const { plugin, weight } of profile.scorePlugins) {
    const scores = nodes.map((n) => ({ name: n.name, score: plugin.score(state, pod, n) }));
    plugin.normalizeScores?.(scores);
    scores.forEach((s, i) => { totals[i].score += s.score * weight; });
  }
  return totals;
};

/** The highest score; among equals each is picked with equal probability (reservoir sampling). */
export const selectHost = (scores: NodeScore[], rand: () => number): string => {
  let best = scores[0];
  let ties = 1;
  for (const s of scores.slice(1)) {
    if (s.score > best.score) { best = s; ties = 1; }
    else if (s.score === best.score) {
      ties++;
      if (Math.floor(rand() * ties) === 0) best = s;
    }
  }
  return best.name;
};

export const schedulePod = (profile: Profile, pod: Pod, nodes: NodeInfo[], rand: () => number = Math.random): ScheduleResult => {
  if (nodes.length === 0) return { kind: 'error', message: noNodesAvailableMessage };
  const state = new CycleState();
  const diagnosis: Diagnosis = { nodeToStatus: new Map(), unschedulablePlugins: new Set() };
  const pre = runPreFilter(profile, state, pod);
  if ('status' in pre) {
    if (!isRejected(pre.status)) return { kind: 'error', message: pre.status.reasons.join(', ') };
    diagnosis.preFilterMsg = pre.status.reasons.join(', ');
    diagnosis.unschedulablePlugins.add(pre.status.plugin ?? '');
    for (const n of nodes) diagnosis.nodeToStatus.set(n.name, pre.status);
    return { kind: 'unschedulable', error: new FitError(pod, nodes.length, diagnosis) };
  }
  const feasible: NodeInfo[] = [];
  for (const n of nodes) {
    const s = runFilters(profile, state, pod, n, pre.skip);
    if (s === undefined) { feasible.push(n); continue; }
    if (!isRejected(s)) return { kind: 'error', message: `running "${s.plugin}" filter plugin: ${s.reasons.join(', ')}` };
    diagnosis.nodeToStatus.set(n.name, s);
    diagnosis.unschedulablePlugins.add(s.plugin ?? '');
  }
  if (feasible.length === 0) return { kind: 'unschedulable', error: new FitError(pod, nodes.length, diagnosis) };
  const nodeName = feasible.length === 1 ? feasible[0].name : selectHost(prioritize(profile, state, pod, feasible), rand);
  return { kind: 'scheduled', nodeName, evaluatedNodes: nodes.length, feasibleNodes: feasible.length };
};
