// A small schema with every list and map flavour, for the managed-fields unit tests.
import { Type } from '@sinclair/typebox';
import { Obj, Opt, Str, Int, StrMap, MergeList, AtomicList, AnyJSON } from '../../../api/meta/schema';
import { ObjectMeta } from '../../../api/meta/v1';

const Port = Obj({ containerPort: Int(), protocol: Opt(Str()), name: Opt(Str()) });

const Container = Obj({
  name: Str(),
  image: Opt(Str()),
  args: Opt(AtomicList(Type.String())),
  ports: Opt(Type.Array(Port, { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['containerPort', 'protocol'] })),
  resources: Opt(Obj({ limits: Opt(StrMap()), requests: Opt(StrMap()) })),
});

export const testSchema = Obj({
  apiVersion: Opt(Str()),
  kind: Opt(Str()),
  metadata: Opt(ObjectMeta),
  spec: Opt(Obj({
    replicas: Opt(Int()),
    selector: Opt(Obj({ matchLabels: Opt(StrMap()) }, { 'x-kubernetes-map-type': 'atomic' })),
    strategy: Opt(Obj({ type: Opt(Str()), rollingUpdate: Opt(Obj({ maxSurge: Opt(Int()), maxUnavailable: Opt(Int()) })) })),
    containers: MergeList(Container, 'name'),
    hosts: Opt(Type.Array(Type.String(), { 'x-kubernetes-list-type': 'set' })),
    tags: Opt(AtomicList(Type.String())),
    extra: Opt(AnyJSON()),
  })),
  status: Opt(Obj({ replicas: Opt(Int()), phase: Opt(Str()) })),
});
