// coordination.k8s.io/v1 Lease: leader election and node heartbeats (kube-node-lease).
import { type Static } from '@sinclair/typebox';
import { Obj, Opt, Str, Int, Time } from '../meta/schema';
import { ObjectMeta, type Stored } from '../meta/v1';

export const LeaseSpec = Obj({
  acquireTime: Opt(Time('When the current holder acquired the lease.')),
  holderIdentity: Opt(Str('Identity of the current holder.')),
  leaseDurationSeconds: Opt(Int('Seconds candidates wait after renewTime before taking the lease over.')),
  leaseTransitions: Opt(Int('How many times the lease changed holders.')),
  preferredHolder: Opt(Str()),
  renewTime: Opt(Time('When the holder last renewed the lease.')),
  strategy: Opt(Str()),
});
export type LeaseSpec = Static<typeof LeaseSpec>;

export const Lease = Obj({
  apiVersion: Opt(Str()),
  kind: Opt(Str()),
  metadata: Opt(ObjectMeta),
  spec: Opt(LeaseSpec),
}, { description: 'A lease held by one identity at a time, renewed periodically.' });
export type Lease = Static<typeof Lease>;
export type ApiLease = Stored<Lease>;
