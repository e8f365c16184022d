// apps/v1: ReplicaSet (Deployment, DaemonSet and StatefulSet come with the API issue).
import { type Static } from '@sinclair/typebox';
import { Obj, Opt, Str, Int, MergeList } from '../meta/schema';
import { ObjectMeta, LabelSelector, type Stored } from '../meta/v1';
import { PodTemplateSpec } from '../core/v1';

export const ReplicaSetCondition = Obj({
  type: Str(), status: Str(), lastTransitionTime: Opt(Str()), reason: Opt(Str()), message: Opt(Str()),
});

export const ReplicaSet = Obj({
  apiVersion: Opt(Str()),
  kind: Opt(Str()),
  metadata: Opt(ObjectMeta),
  spec: Opt(Obj({
    replicas: Opt(Int('Desired number of pods; defaults to 1.')),
    minReadySeconds: Opt(Int()),
    selector: LabelSelector,
    template: Opt(PodTemplateSpec),
  })),
  status: Opt(Obj({
    replicas: Int(),
    fullyLabeledReplicas: Opt(Int()),
    readyReplicas: Opt(Int()),
    availableReplicas: Opt(Int()),
    terminatingReplicas: Opt(Int()),
    observedGeneration: Opt(Int()),
    conditions: Opt(MergeList(ReplicaSetCondition, 'type')),
  })),
}, { description: 'Keeps a number of identical pods running.' });
export type ReplicaSet = Static<typeof ReplicaSet>;
export type ApiReplicaSet = Stored<ReplicaSet>;
