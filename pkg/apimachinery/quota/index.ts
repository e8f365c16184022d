// Public API of quota accounting: exact quantities, the per-resource evaluators, and the
// decisions ResourceQuota admission and the resource quota controller share.
export {
  parseExactQuantity, formatQuantity, canonicalQuantity, addQuantity, subQuantity, cmpQuantity, quantityOf, zeroQuantity,
  type Quantity, type QuantityFormat,
} from './quantity';
export {
  fromApi, toApi, addLists, growth, mask, lessThanOrEqual, equalLists, isZeroList, prettyPrint, resourceNames,
  type ResourceList, type ApiResourceList,
} from './resources';
export { quotaMatches, matchesScopes, scopeSelectors, type Evaluator } from './evaluator';
export { podEvaluator, podUsage, quotaV1Pod, podMatchesScope, podConstraints } from './pods';
export {
  evaluatorFor, evaluatorsForNames, objectCountEvaluator, objectCountName, parseObjectCountName, serviceEvaluator, pvcEvaluator,
  legacyObjectCountAliases,
} from './evaluators';
export {
  checkCreate, checkUpdate, chargeQuota, evaluatorsNeeded, usageStats, desiredStatus, statusDirty, canonicalList, QuotaRefusal,
  type Charge, type CreateCheck,
} from './usage';
