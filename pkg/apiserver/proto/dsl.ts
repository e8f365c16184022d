// A compact notation for protobuf message definitions, turned into a protobufjs Root.
// Each field is `'<number> <type><suffixes>'`, numbers as in upstream's generated.proto:
//   `[]` repeated · `*` Go pointer (a zero value on the wire is meaningful and kept in JSON) ·
//   `^` embedded Go struct (its fields are inlined into the parent's JSON, as `json:",inline"`).
// Types: string int32 int64 bool bytes double, `map<string,T>`, a message name, or one of the
// special kinds in `specialTypes` that convert to a JSON scalar (Time → RFC 3339, …).
// JSON field names are the keys, so a decoded message is already the JSON object's shape.
import protobuf from 'protobufjs';

export type MessageSpecs = Record<string, Record<string, string>>;

export interface FieldInfo {
  id: number;
  type: string;
  repeated: boolean;
  pointer: boolean;
  inline: boolean;
  /** Set for maps: the value type (keys are always strings here). */
  mapValue?: string;
}

const scalarTypes = new Set(['string', 'int32', 'int64', 'bool', 'bytes', 'double', 'uint32', 'uint64', 'float', 'sint32', 'sint64']);

/**
 * Messages with a JSON form of their own. `Skip` marks fields the server discards on create
 * (status): any content is accepted and dropped, as upstream's strategies reset status.
 */
export const specialTypes = new Set(['Time', 'MicroTime', 'Duration', 'Quantity', 'IntOrString', 'RawExtension', 'FieldsV1', 'ExtraValue', 'Skip']);

/** The messages behind `specialTypes`, for registries of Kubernetes objects. */
export const kubeBuiltins: MessageSpecs = {
  Time: { seconds: '1 int64', nanos: '2 int32' },
  MicroTime: { seconds: '1 int64', nanos: '2 int32' },
  Duration: { duration: '1 int64' },
  Quantity: { string: '1 string' },
  IntOrString: { type: '1 int64', intVal: '2 int32', strVal: '3 string' },
  RawExtension: { raw: '1 bytes' },
  FieldsV1: { Raw: '1 bytes' },
  // A user's extra values (map[string]ExtraValue): a JSON array of strings.
  ExtraValue: { items: '1 string[]' },
  Skip: {},
};

export const parseField = (spec: string): FieldInfo => {
  const m = /^(\d+) (map<string,\s*([\w.]+)>|[\w.]+)([[\]*^]*)$/.exec(spec.trim());
  if (!m) throw new Error(`bad field spec ${JSON.stringify(spec)}`);
  const suffix = m[4];
  return {
    id: Number(m[1]),
    type: m[3] ?? m[2],
    repeated: suffix.includes('[]'),
    pointer: suffix.includes('*'),
    inline: suffix.includes('^'),
    ...(m[3] ? { mapValue: m[3] } : {}),
  };
};

export interface ProtoRegistry {
  root: protobuf.Root;
  /** Message name → JSON name → field. */
  fields: Map<string, Map<string, FieldInfo>>;
  /** Message name → field number → JSON name. */
  byId: Map<string, Map<number, string>>;
  isScalar(type: string): boolean;
}

/** Builds one flat namespace from several groups; a message defined twice is a mistake. */
export const buildRegistry = (packageName: string, ...groups: MessageSpecs[]): ProtoRegistry => {
  const all: MessageSpecs = {};
  for (const g of groups) {
    for (const [name, spec] of Object.entries(g)) {
      if (all[name]) throw new Error(`protobuf message ${name} defined twice`);
      all[name] = spec;
    }
  }
  const fields = new Map<string, Map<string, FieldInfo>>();
  const byId = new Map<string, Map<number, string>>();
  const nested: Record<string, protobuf.IType> = {};
  for (const [name, spec] of Object.entries(all)) {
    const f = new Map<string, FieldInfo>();
    const ids = new Map<number, string>();
    const descriptor: Record<string, protobuf.IField & { keyType?: string }> = {};
    for (const [jsonName, s] of Object.entries(spec)) {
      const info = parseField(s);
      if (ids.has(info.id)) throw new Error(`${name}: field number ${info.id} used twice`);
      f.set(jsonName, info);
      ids.set(info.id, jsonName);
      descriptor[jsonName] = info.mapValue
        ? { id: info.id, type: info.mapValue, keyType: 'string' }
        : { id: info.id, type: info.type, ...(info.repeated ? { rule: 'repeated' } : {}) };
    }
    fields.set(name, f);
    byId.set(name, ids);
    nested[name] = { fields: descriptor };
  }
  const root = protobuf.Root.fromJSON({ nested: { [packageName]: { nested } } });
  root.resolveAll();
  return { root, fields, byId, isScalar: (t) => scalarTypes.has(t) };
};
