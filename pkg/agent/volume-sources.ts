// The files of configMap, secret and downwardAPI volumes (kubelet pkg/volume/configmap MakePayload,
// pkg/volume/secret MakePayload, pkg/volume/downwardapi CollectData + fieldpath.FormatMap).
import type { ConfigMap, DownwardAPIVolumeSource, KeyToPath, Pod, Secret } from '../../api/core/v1';
import type { Payload } from './atomic-writer';
import { VolumeError } from './volume-errors';

/** The API server's default for defaultMode (0644). */
export const defaultFileMode = 0o644;

/** Keys (with their bytes) into files: every key, or only `items` (a missing key fails unless optional). */
const project = (what: string, values: Map<string, Buffer>, items: KeyToPath[] | undefined, defaultMode: number, optional: boolean): Payload => {
  const out: Payload = new Map();
  if (!items || items.length === 0) {
    for (const [key, data] of values) out.set(key, { data, mode: defaultMode });
    return out;
  }
  for (const item of items) {
    const data = values.get(item.key);
    if (data === undefined) {
      if (optional) continue;
      throw new VolumeError(`${what} references non-existent config key: ${item.key}`);
    }
    out.set(item.path, { data, mode: item.mode ?? defaultMode });
  }
  return out;
};

export const configMapPayload = (cm: ConfigMap, items: KeyToPath[] | undefined, defaultMode = defaultFileMode, optional = false): Payload => {
  const values = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(cm.data ?? {})) values.set(k, Buffer.from(v, 'utf8'));
  for (const [k, v] of Object.entries(cm.binaryData ?? {})) values.set(k, Buffer.from(v, 'base64'));
  return project('configmap', values, items, defaultMode, optional);
};

export const secretPayload = (secret: Secret, items: KeyToPath[] | undefined, defaultMode = defaultFileMode, optional = false): Payload => {
  const values = new Map<string, Buffer>();
  for (const [k, v] of Object.entries(secret.data ?? {})) values.set(k, Buffer.from(v, 'base64'));
  for (const [k, v] of Object.entries(secret.stringData ?? {})) values.set(k, Buffer.from(v, 'utf8'));
  return project('secret', values, items, defaultMode, optional);
};

/** `key="value"` lines sorted by key, as fieldpath.FormatMap (Go's %q quoting; JSON's is the same for printable text). */
export const formatMap = (m: Record<string, string> = {}): string =>
  Object.keys(m).sort().map((k) => `${k}=${JSON.stringify(m[k])}`).join('\n');

const subscript = /^metadata\.(labels|annotations)\['(.+)'\]$/;

/** The value of a downward API fieldRef for a volume file (kubelet ExtractFieldPathAsString). */
export const downwardFieldValue = (pod: Pod, fieldPath: string): string => {
  const md = pod.metadata ?? {};
  const m = subscript.exec(fieldPath);
  if (m) return (m[1] === 'labels' ? md.labels : md.annotations)?.[m[2]] ?? '';
  switch (fieldPath) {
    case 'metadata.name': return md.name ?? '';
    case 'metadata.namespace': return md.namespace ?? 'default';
    case 'metadata.uid': return md.uid ?? '';
    case 'metadata.labels': return formatMap(md.labels);
    case 'metadata.annotations': return formatMap(md.annotations);
    default: throw new VolumeError(`unsupported fieldPath: ${fieldPath}`);
  }
};

export const downwardAPIPayload = (pod: Pod, src: DownwardAPIVolumeSource): Payload => {
  const out: Payload = new Map();
  for (const item of src.items ?? []) {
    if (!item.fieldRef) throw new VolumeError(`downwardAPI item ${item.path}: only fieldRef is supported yet`);
    out.set(item.path, { data: Buffer.from(downwardFieldValue(pod, item.fieldRef.fieldPath), 'utf8'), mode: item.mode ?? src.defaultMode ?? defaultFileMode });
  }
  return out;
};
