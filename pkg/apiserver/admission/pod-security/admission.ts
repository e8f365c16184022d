// Pod Security admission (upstream's PodSecurity plugin, pod-security-admission/admission): the
// namespace's pod-security.kubernetes.io labels choose a level (privileged, baseline,
// restricted) per mode. `enforce` refuses a pod that fails its level; `warn` adds a Warning
// header (kubectl prints "Warning: would violate PodSecurity …"); for workloads (pod templates)
// only `warn` applies, as upstream: enforcement happens to the pods they create. Without labels a
// namespace is privileged and nothing is checked. `audit` is accepted: Berth writes no audit log.
// Versions other than `latest` are accepted and named in messages, but every check is latest's.
import type { ApiObject, ObjectMeta, StatusCause } from '../../../../api/meta/v1';
import type { PodSpec } from '../../../../api/core/v1';
import type { ResourceInfo } from '../../../../api/resources';
import { forbidden, isNotFound } from '../../../apimachinery/errors';
import { objectKey, type Store } from '../../../storage';
import { evaluatePod, violationsMessage, type Level } from './policy';

const labelPrefix = 'pod-security.kubernetes.io/';
const modes = ['enforce', 'audit', 'warn'] as const;
const levels: Level[] = ['privileged', 'baseline', 'restricted'];
const version = /^(latest|v1\.(0|[1-9][0-9]*))$/;

interface LevelVersion { level: Level; version: string }
export interface NamespacePolicy { enforce: LevelVersion; audit: LevelVersion; warn: LevelVersion }

const privileged: LevelVersion = { level: 'privileged', version: 'latest' };

/** The namespace's policy and what is wrong with its labels (upstream's PolicyToEvaluate); invalid values fall back to privileged. */
export const policyOf = (labels: Record<string, string> | undefined): { policy: NamespacePolicy; causes: StatusCause[] } => {
  const causes: StatusCause[] = [];
  const invalid = (label: string, value: string, detail: string) =>
    causes.push({ reason: 'FieldValueInvalid', field: `metadata.labels[${label}]`, message: `Invalid value: ${JSON.stringify(value)}: ${detail}` });
  const read = (mode: typeof modes[number]): LevelVersion => {
    const levelLabel = `${labelPrefix}${mode}`;
    const versionLabel = `${levelLabel}-version`;
    const level = labels?.[levelLabel];
    const v = labels?.[versionLabel];
    const out = { ...privileged };
    if (level !== undefined) {
      if (levels.includes(level as Level)) out.level = level as Level;
      else invalid(levelLabel, level, `must be one of ${levels.join(', ')}`);
    }
    if (v !== undefined) {
      if (version.test(v)) out.version = v;
      else invalid(versionLabel, v, "must be 'latest' or of the form 'v1.x'");
    }
    return out;
  };
  const policy = Object.fromEntries(modes.map((m) => [m, read(m)])) as unknown as NamespacePolicy;
  return { policy, causes };
};

/** Where a kind keeps its pod template (upstream's DefaultPodSpecExtractor); undefined for other kinds. */
const templateOf = (info: Pick<ResourceInfo, 'group' | 'plural'>, obj: ApiObject): { metadata?: ObjectMeta; spec?: PodSpec } | undefined => {
  const spec = obj.spec as { template?: { metadata?: ObjectMeta; spec?: PodSpec }; jobTemplate?: { spec?: { template?: { metadata?: ObjectMeta; spec?: PodSpec } } } } | undefined;
  switch (`${info.group}/${info.plural}`) {
    case 'apps/deployments': case 'apps/replicasets': case 'apps/statefulsets': case 'apps/daemonsets': case 'batch/jobs': case '/replicationcontrollers':
      return spec?.template;
    case 'batch/cronjobs':
      return spec?.jobTemplate?.spec?.template;
    case '/podtemplates':
      return (obj as { template?: { metadata?: ObjectMeta; spec?: PodSpec } }).template;
    default:
      return undefined;
  }
};

const name = (lv: LevelVersion) => `"${lv.level}:${lv.version}"`;

/**
 * Checks a pod or a workload being created in `namespace`. Throws 403 when a pod fails the
 * enforce level; returns the warnings to send (`would violate PodSecurity …`).
 */
export const admitPodSecurity = async (store: Pick<Store, 'get'>, info: Pick<ResourceInfo, 'group' | 'plural'>, namespace: string, obj: ApiObject): Promise<string[]> => {
  const isPod = info.group === '' && info.plural === 'pods';
  const template = isPod ? { metadata: obj.metadata, spec: obj.spec as PodSpec | undefined } : templateOf(info, obj);
  if (!template) return [];
  let labels: Record<string, string> | undefined;
  try {
    labels = (await store.get(objectKey('namespaces', undefined, namespace), { resourceVersion: '0', readOnly: true })).metadata.labels;
  } catch (err) {
    if (isNotFound(err)) return []; // namespace admission answers for a missing namespace
    throw err;
  }
  if (!labels || !Object.keys(labels).some((k) => k.startsWith(labelPrefix))) return [];
  const { policy } = policyOf(labels);
  if (isPod && policy.enforce.level !== 'privileged') {
    const vs = evaluatePod(policy.enforce.level, template.metadata, template.spec);
    if (vs.length > 0) throw forbidden(`pods "${obj.metadata.name ?? ''}" is forbidden: violates PodSecurity ${name(policy.enforce)}: ${violationsMessage(vs)}`);
  }
  if (policy.warn.level === 'privileged') return [];
  const vs = evaluatePod(policy.warn.level, template.metadata, template.spec);
  return vs.length > 0 ? [`would violate PodSecurity ${name(policy.warn)}: ${violationsMessage(vs)}`] : [];
};
