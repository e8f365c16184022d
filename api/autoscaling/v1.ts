// autoscaling/v1 Scale: the body of every scale subresource.
import { type Static } from '@sinclair/typebox';
import { Obj, Opt, Str, Int } from '../meta/schema';
import { ObjectMeta } from '../meta/v1';

export const Scale = Obj({
  apiVersion: Opt(Str()),
  kind: Opt(Str()),
  metadata: Opt(ObjectMeta),
  spec: Opt(Obj({ replicas: Opt(Int()) })),
  status: Opt(Obj({ replicas: Int(), selector: Opt(Str()) })),
}, { description: 'The scale of a resource.' });
export type Scale = Static<typeof Scale>;
