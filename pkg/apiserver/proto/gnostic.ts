// The part of gnostic's OpenAPI v2 model (github.com/google/gnostic openapiv2/OpenAPIv2.proto,
// package openapi.v2) that /openapi/v2 writes. Field numbers as upstream; names are ours
// (camelCase). kubectl ≤1.28 decodes the protobuf form only (kubectl-wire §4.2).
import type protobuf from 'protobufjs';
import { buildRegistry, type MessageSpecs } from './dsl';

const gnostic: MessageSpecs = {
  Document: {
    swagger: '1 string', info: '2 Info', host: '3 string', basePath: '4 string', schemes: '5 string[]', consumes: '6 string[]',
    produces: '7 string[]', paths: '8 Paths', definitions: '9 Definitions', vendorExtension: '16 NamedAny[]',
  },
  Info: { title: '1 string', version: '2 string', description: '3 string' },
  Any: { yaml: '2 string' },
  NamedAny: { name: '1 string', value: '2 Any' },
  Paths: { vendorExtension: '1 NamedAny[]', path: '2 NamedPathItem[]' },
  NamedPathItem: { name: '1 string', value: '2 PathItem' },
  PathItem: {
    ref: '1 string', get: '2 Operation', put: '3 Operation', post: '4 Operation', delete: '5 Operation', options: '6 Operation',
    head: '7 Operation', patch: '8 Operation', parameters: '9 ParametersItem[]', vendorExtension: '10 NamedAny[]',
  },
  Operation: {
    tags: '1 string[]', summary: '2 string', description: '3 string', operationId: '5 string', produces: '6 string[]',
    consumes: '7 string[]', parameters: '8 ParametersItem[]', responses: '9 Responses', schemes: '10 string[]', deprecated: '11 bool',
    vendorExtension: '13 NamedAny[]',
  },
  ParametersItem: { parameter: '1 Parameter', jsonReference: '2 JsonReference' },
  Parameter: { bodyParameter: '1 BodyParameter', nonBodyParameter: '2 NonBodyParameter' },
  BodyParameter: {
    description: '1 string', name: '2 string', in: '3 string', required: '4 bool', schema: '5 Schema', vendorExtension: '6 NamedAny[]',
  },
  NonBodyParameter: { queryParameterSubSchema: '3 QueryParameterSubSchema', pathParameterSubSchema: '4 PathParameterSubSchema' },
  QueryParameterSubSchema: {
    required: '1 bool', in: '2 string', description: '3 string', name: '4 string', type: '6 string', uniqueItems: '20 bool',
  },
  PathParameterSubSchema: {
    required: '1 bool', in: '2 string', description: '3 string', name: '4 string', type: '5 string', uniqueItems: '19 bool',
  },
  Responses: { responseCode: '1 NamedResponseValue[]', vendorExtension: '2 NamedAny[]' },
  NamedResponseValue: { name: '1 string', value: '2 ResponseValue' },
  ResponseValue: { response: '1 Response', jsonReference: '2 JsonReference' },
  Response: { description: '1 string', schema: '2 SchemaItem' },
  SchemaItem: { schema: '1 Schema' },
  JsonReference: { ref: '1 string', description: '2 string' },
  Definitions: { additionalProperties: '1 NamedSchema[]' },
  NamedSchema: { name: '1 string', value: '2 Schema' },
  Schema: {
    ref: '1 string', format: '2 string', title: '3 string', description: '4 string', default: '5 Any', maximum: '7 double',
    minimum: '9 double', maxLength: '11 int64', minLength: '12 int64', pattern: '13 string', maxItems: '14 int64', minItems: '15 int64',
    uniqueItems: '16 bool', required: '19 string[]', enum: '20 Any[]', additionalProperties: '21 AdditionalPropertiesItem',
    type: '22 TypeItem', items: '23 ItemsItem', allOf: '24 Schema[]', properties: '25 Properties', readOnly: '27 bool',
    vendorExtension: '31 NamedAny[]',
  },
  AdditionalPropertiesItem: { schema: '1 Schema', boolean: '2 bool' },
  TypeItem: { value: '1 string[]' },
  ItemsItem: { schema: '1 Schema[]' },
  Properties: { additionalProperties: '1 NamedSchema[]' },
};

/** Plain-object shape of a Document, as passed to protobufjs `fromObject`. */
export type GnosticDocument = Record<string, unknown>;

let root: protobuf.Root | undefined;

export const gnosticRoot = (): protobuf.Root => {
  root ??= buildRegistry('openapi.v2', gnostic).root;
  return root;
};
