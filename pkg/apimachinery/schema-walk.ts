// Walking TypeBox / JSON Schema nodes by field name, shared by strategic merge patch and
// unknown-field stripping. Unions resolve to their object (or array) member; Optional is a
// modifier on the node itself, so it needs no unwrapping.
import type { TSchema } from '@sinclair/typebox';

type Node = Record<string, unknown>;

const asNode = (s: unknown): Node | undefined => (s && typeof s === 'object' ? (s as Node) : undefined);

/** For a Union, the member of the wanted JSON type; otherwise the node itself. */
export const unwrap = (schema: TSchema | undefined, want: 'object' | 'array'): TSchema | undefined => {
  const node = asNode(schema);
  if (!node) return undefined;
  const members = (node.anyOf ?? node.oneOf) as TSchema[] | undefined;
  if (Array.isArray(members)) return members.find((m) => asNode(m)?.type === want);
  return schema;
};

/** The schema of `obj[key]`, or undefined when the schema says nothing (free-form). */
export const propertySchema = (schema: TSchema | undefined, key: string): TSchema | undefined => {
  const node = asNode(unwrap(schema, 'object'));
  if (!node) return undefined;
  const props = asNode(node.properties);
  if (props && Object.prototype.hasOwnProperty.call(props, key)) return props[key] as TSchema;
  const pattern = asNode(node.patternProperties);
  if (pattern) {
    for (const [re, sub] of Object.entries(pattern)) if (new RegExp(re).test(key)) return sub as TSchema;
  }
  const additional = node.additionalProperties;
  return additional && typeof additional === 'object' ? (additional as TSchema) : undefined;
};

/** The schema of the items of an array node. */
export const itemsSchema = (schema: TSchema | undefined): TSchema | undefined => {
  const node = asNode(unwrap(schema, 'array'));
  const items = node?.items;
  return items && typeof items === 'object' && !Array.isArray(items) ? (items as TSchema) : undefined;
};

/** True when the object node is closed: keys outside properties/patternProperties are unknown. */
export const isClosedObject = (schema: TSchema | undefined): boolean => {
  const node = asNode(unwrap(schema, 'object'));
  return !!node && node.additionalProperties === false && node['x-kubernetes-preserve-unknown-fields'] !== true;
};

/** A schema extension keyword such as `x-kubernetes-patch-merge-key`. */
export const extension = (schema: TSchema | undefined, name: string): unknown => asNode(unwrap(schema, 'array'))?.[name];
