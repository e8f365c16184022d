// Admission checks shared by the write handlers.
export { admitCreate, admitNamespaceDelete, immortalNamespaces, isTerminating } from './namespace-lifecycle';
export { admitServiceAccount, defaultServiceAccountName } from './service-account';
export { admitLimitRanges, applyLimitRanges, limitRangerAnnotation } from './limit-ranger';
export { admitServiceAccountToken, tokenMountPath, rootCAConfigMap } from './service-account-token';
export { admitResourceQuota, type QuotaAdmissionOptions } from './resource-quota';
export { admitDefaultStorageClass, defaultClass, isDefaultClass, isDefaultClassAnnotation } from './default-storage-class';
