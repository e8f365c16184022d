// The scheduling framework's extension points, mirroring kube-scheduler's
// staging/src/k8s.io/kube-scheduler/framework/interface.go: one small interface per point,
// plugins return a Status (undefined = Success), and the reasons of every rejected node are
// aggregated into the FitError message that ends up in the `FailedScheduling` event.
import type { Pod } from '../../api/core/v1';
import type { NodeInfo } from './node-info';

export { NodeInfo } from './node-info';

/**
 * Status codes as upstream (framework.Code). `Unschedulable` may be resolved by preemption or a
 * cluster change; `UnschedulableAndUnresolvable` says no change to other pods will help;
 * `Skip` from preFilter means "this plugin has nothing to check for this pod".
 */
export type Code = 'Success' | 'Error' | 'Unschedulable' | 'UnschedulableAndUnresolvable' | 'Wait' | 'Skip';

export interface Status {
  code: Code;
  reasons: string[];
  /** The plugin that produced the status; set by the framework runner, not by plugins. */
  plugin?: string;
}

export const unschedulable = (...reasons: string[]): Status => ({ code: 'Unschedulable', reasons });
export const unresolvable = (...reasons: string[]): Status => ({ code: 'UnschedulableAndUnresolvable', reasons });
export const errorStatus = (err: unknown): Status =>
  ({ code: 'Error', reasons: [err instanceof Error ? err.message : String(err)] });
export const skip = (): Status => ({ code: 'Skip', reasons: [] });

export const isSuccess = (s: Status | undefined): boolean => s === undefined || s.code === 'Success';
/** Rejected means the pod does not fit (as opposed to an internal Error). */
export const isRejected = (s: Status | undefined): boolean =>
  s !== undefined && (s.code === 'Unschedulable' || s.code === 'UnschedulableAndUnresolvable');

/** A typed key into CycleState; each plugin owns its keys (upstream uses "PreFilter" + plugin name). */
export class StateKey<T> {
  declare readonly _type: T;
  constructor(readonly name: string) {}
}

/** Per-cycle scratch space: preFilter computes once, filter/score read it for every node. */
export class CycleState {
  private readonly data = new Map<StateKey<unknown>, unknown>();
  write<T>(key: StateKey<T>, value: T): void { this.data.set(key, value); }
  read<T>(key: StateKey<T>): T | undefined {
    // The key's type parameter is the only writer's type, so the cast cannot lie.
    return this.data.get(key) as T | undefined;
  }
}

export interface NodeScore { name: string; score: number }

export const maxNodeScore = 100;
export const minNodeScore = 0;

export interface Plugin {
  readonly name: string;
  /**
   * Runs once per scheduling cycle before filter/score. Returning Unschedulable rejects the pod
   * on every node; `Skip` leaves the plugin's filter out of this cycle.
   */
  preFilter?(state: CycleState, pod: Pod): Status | undefined;
}

export interface FilterPlugin extends Plugin {
  /** Whether `pod` can run on `node`. undefined = Success; Unschedulable* with reasons; Error aborts the cycle. */
  filter(state: CycleState, pod: Pod, node: NodeInfo): Status | undefined;
}

export interface ScorePlugin extends Plugin {
  /** A score in [minNodeScore, maxNodeScore] for a node that passed every filter. */
  score(state: CycleState, pod: Pod, node: NodeInfo): number;
  /** Rewrites the scores of all feasible nodes in place (e.g. to spread them over 0..100). */
  normalizeScores?(scores: NodeScore[]): void;
}

export const isFilterPlugin = (p: Plugin): p is FilterPlugin => typeof (p as Partial<FilterPlugin>).filter === 'function';
export const isScorePlugin = (p: Plugin): p is ScorePlugin => typeof (p as Partial<ScorePlugin>).score === 'function';

/** Why a pod fits nowhere: per node, the first failing filter's status (upstream Diagnosis). */
export interface Diagnosis {
  nodeToStatus: Map<string, Status>;
  /** Set when a preFilter rejected the pod for all nodes. */
  preFilterMsg?: string;
  unschedulablePlugins: Set<string>;
}

/** Upstream's NoNodeAvailableMsg. */
const noNodeAvailableMsg = (n: number) => `0/${n} nodes are available`;

/**
 * The pod fits on no node. The message mirrors upstream FitError.Error(): each reason of each
 * node is counted, rendered as "<count> <reason>", the strings sorted (plain string order, as
 * upstream's sort.Strings) and joined: `0/3 nodes are available: 1 Too many pods, 2 Insufficient cpu.`
 * Preemption is not implemented, so upstream's " preemption: ..." suffix is not appended.
 */
export class FitError extends Error {
  override readonly name = 'FitError';
  constructor(readonly pod: Pod, readonly numAllNodes: number, readonly diagnosis: Diagnosis) {
    super(fitErrorMessage(numAllNodes, diagnosis));
  }
}

export const fitErrorMessage = (numAllNodes: number, diagnosis: Diagnosis): string => {
  let msg = `${noNodeAvailableMsg(numAllNodes)}:`;
  // As upstream: a preFilter rejection explains everything; otherwise count the filters' reasons.
  if (diagnosis.preFilterMsg) return `${msg} ${diagnosis.preFilterMsg}.`;
  const histogram = new Map<string, number>();
  for (const status of diagnosis.nodeToStatus.values()) {
    for (const reason of status.reasons) histogram.set(reason, (histogram.get(reason) ?? 0) + 1);
  }
  const parts = [...histogram].map(([reason, count]) => `${count} ${reason}`).sort();
  if (parts.length > 0) msg += ` ${parts.join(', ')}.`;
  return msg;
};

/** Upstream ErrNoNodesAvailable: an Error (not a FitError), so the pod goes to the backoff queue. */
export const noNodesAvailableMessage = 'no nodes available to schedule pods';
