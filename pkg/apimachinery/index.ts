// Public API of pkg/apimachinery: Status errors, selectors, quantities, patches, validation,
// the YAML codec and name helpers — shared by the apiserver, the clients and the CLI.
export * from './errors';
export {
  parseLabelSelector, selectorFromLabelSelector, labelSelectorToString, selectorOf, everything, nothing,
  type Selector, type Requirement, type Operator,
} from './labels';
export { parseFieldSelector, fieldSelectorOf, type FieldSelector, type FieldRequirement } from './fields';
export { parseQuantity, milliValue, quantityValue } from './quantity';
export { parseYamlDocuments, toYaml, YamlError } from './yaml';
export { exceedsDepth, maxNestingDepth } from './depth';
export { generateName, validateDNS1123Subdomain, validateDNS1123Label } from './names';
export { applyJsonPatch, applyMergePatch, deepEqual } from './patch';
export { applyStrategicMergePatch } from './strategic-merge-patch';
export { createValidator, stripUnknownFields, type Validator, type ValidationResult } from './validation';
