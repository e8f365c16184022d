// Pods (pkg/registry/core/pod/strategy.go): defaults, validation, the only spec fields an
// update may change, and the status strategy the agent writes through.
import type { ApiObject, StatusCause } from '../../../api/meta/v1';
import type { Pod, PodSpec } from '../../../api/core/v1';
import { defaultPodSpec, validatePodSpec, podQosClass } from './pod-spec';
import { bumpGenerationOnSpecChange, deepEqual, fieldsAt, forbiddenField, statusOnly, type ResourceStrategy } from './strategy';

const asPod = (obj: ApiObject): Pod => obj as Pod;

const withDefaults = (obj: ApiObject): ApiObject => {
  const pod = asPod(obj);
  return { ...obj, spec: defaultPodSpec(pod.spec ?? { containers: [] }) };
};

// Fields an update may change (ValidatePodUpdate): images, activeDeadlineSeconds, tolerations
// and terminationGracePeriodSeconds; everything else in spec is immutable.
const mutableView = (spec: PodSpec | undefined): unknown => spec && ({
  ...spec,
  containers: spec.containers?.map((c) => ({ ...c, image: undefined })),
  initContainers: spec.initContainers?.map((c) => ({ ...c, image: undefined })),
  activeDeadlineSeconds: undefined,
  tolerations: undefined,
  terminationGracePeriodSeconds: undefined,
});

const updateForbidden = 'pod updates may not change fields other than `spec.containers[*].image`,' +
  '`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),' +
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

export const podStrategy: ResourceStrategy = {
  prepareForCreate: (obj) => {
    const pod = withDefaults(obj) as Pod;
    return { ...pod, status: { phase: 'Pending', qosClass: podQosClass(pod.spec ?? { containers: [] }) } } as ApiObject;
  },
  prepareForUpdate: (obj, old) => bumpGenerationOnSpecChange({ ...withDefaults(obj), status: old.status }, old),
  validate: (obj) => validatePodSpec(asPod(obj).spec, 'spec'),
  validateUpdate: (obj, old): StatusCause[] => {
    const causes = validatePodSpec(asPod(obj).spec, 'spec');
    if (!deepEqual(mutableView(asPod(obj).spec), mutableView(asPod(old).spec))) causes.push(forbiddenField('spec', updateForbidden));
    return causes;
  },
  fieldLabels: (obj) => fieldsAt(obj, [
    'spec.nodeName', 'spec.restartPolicy', 'spec.schedulerName', 'spec.serviceAccountName', 'spec.hostNetwork',
    'status.phase', 'status.podIP', 'status.nominatedNodeName',
  ]),
  status: statusOnly(),
};
