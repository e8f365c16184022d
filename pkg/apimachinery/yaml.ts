// The YAML codec shared by the apiserver (application/yaml bodies) and the CLI (manifests).
// Errors read like kubectl's (sigs.k8s.io/yaml): `error converting YAML to JSON: yaml: line 7: …`.
import * as jsYaml from 'js-yaml';

/**
 * YAML 1.1 scalars as go-yaml v2 reads them for Kubernetes (`0644` is octal, `yes` is a boolean,
 * `<<` merges), but timestamps stay strings as they do in sigs.k8s.io/yaml's YAML → JSON step.
 */
const kubeSchema = new jsYaml.Schema([
  ...jsYaml.FAILSAFE_SCHEMA.tags, jsYaml.nullYaml11Tag, jsYaml.boolYaml11Tag,
  jsYaml.intYaml11Tag, jsYaml.floatYaml11Tag, jsYaml.mergeTag,
]);

/** A YAML syntax error with its 1-based position. */
export class YamlError extends Error {
  override readonly name = 'YamlError';
  constructor(message: string, readonly line: number, readonly column: number) { super(message); }
}

/** Parses every document of a YAML stream; empty documents (`---` alone, comments only) are skipped. */
export const parseYamlDocuments = (text: string, source?: string): unknown[] => {
  let docs: unknown[];
  try {
    docs = jsYaml.loadAll(text, { schema: kubeSchema, ...(source ? { filename: source } : {}) });
  } catch (err) {
    if (!(err instanceof jsYaml.YAMLException)) throw err;
    const line = (err.mark?.line ?? 0) + 1;
    const column = (err.mark?.column ?? 0) + 1;
    const prefix = source ? `error parsing ${source}: ` : '';
    throw new YamlError(`${prefix}error converting YAML to JSON: yaml: line ${line}: ${err.reason}`, line, column);
  }
  return docs.filter((d) => d !== null && d !== undefined);
};

/** Block-style YAML as kubectl prints it: no line folding, no anchors/references. */
export const toYaml = (obj: unknown): string =>
  jsYaml.dump(obj, { lineWidth: -1, noRefs: true });
