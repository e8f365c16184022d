import 'reflect-metadata';
import type { ApiObject } from '../../../api/meta/v1';
import { requestFor } from '../../certificates/request-fixtures';
import { certificateSigningRequestStrategy as s, withRequester } from './certificates';

const csr = (spec: Record<string, unknown>, status?: Record<string, unknown>): ApiObject =>
  ({ apiVersion: 'certificates.k8s.io/v1', kind: 'CertificateSigningRequest', metadata: { name: 'jane' }, spec, ...(status ? { status } : {}) } as ApiObject);
const causes = (list: Array<{ field?: string; message?: string }>) => list.map((c) => `${c.field}: ${c.message}`);
const approved = { type: 'Approved', status: 'True', reason: 'KubectlApprove', message: 'ok' };

describe('CertificateSigningRequest strategy', () => {
  let request = '';
  beforeAll(async () => { request = await requestFor('CN=jane, O=devs'); });
  const good = () => ({ request, signerName: 'kubernetes.io/kube-apiserver-client', usages: ['client auth'] });

  test('records who asked, whatever the body said', () => {
    const out = withRequester(csr({ ...good(), username: 'root', groups: ['system:masters'] }), { name: 'bob', groups: ['devs', 'system:authenticated'] });
    expect(out.spec).toEqual({ ...good(), username: 'bob', groups: ['devs', 'system:authenticated'] });
  });

  test('validates the request, signer, usages and duration as upstream', () => {
    expect(s.validate(s.prepareForCreate(csr(good())))).toEqual([]);
    expect(causes(s.validate(csr({ request: Buffer.from('nope').toString('base64'), signerName: 'kubernetes', usages: ['client auth', 'client auth', 'teleport'], expirationSeconds: 60 })))).toEqual([
      'spec.request: Invalid value: "<request>": PEM block type must be CERTIFICATE REQUEST',
      "spec.signerName: Invalid value: \"kubernetes\": must be a fully qualified domain and path of the form 'example.com/signer-name'",
      'spec.expirationSeconds: Invalid value: 60: may not specify a duration less than 600 seconds (10 minutes)',
      'spec.usages[1]: Duplicate value: "client auth"',
      expect.stringMatching(/^spec\.usages\[2\]: Unsupported value: "teleport": supported values: "signing"/),
    ]);
    expect(causes(s.validate(csr({ request, signerName: 'example.com/x' })))).toEqual(['spec.usages: Required value']);
  });

  test('status is dropped on create; an update of the object keeps spec and status', () => {
    const created = s.prepareForCreate(csr(good(), { certificate: 'eA==' }));
    expect(created.status).toBeUndefined();
    const updated = s.prepareForUpdate(csr({ ...good(), usages: ['server auth'] }, { conditions: [approved] }), created);
    expect(updated.spec).toEqual(good());
    expect(updated.status).toBeUndefined();
  });

  test('the approval subresource writes only Approved and Denied, once, and never both', () => {
    const approval = s.subresources?.approval;
    if (!approval) throw new Error('no approval strategy');
    const old = csr(good(), { conditions: [{ type: 'Failed', status: 'True' }] });
    const out = approval.prepareForUpdate(csr({ ...good(), signerName: 'x.io/y' }, { conditions: [approved], certificate: 'eA==' }), old);
    expect(out.spec).toEqual(good());
    expect((out.status as { certificate?: string }).certificate).toBeUndefined();
    expect((out.status as { conditions: Array<{ type: string; lastUpdateTime?: string }> }).conditions.map((c) => c.type)).toEqual(['Approved', 'Failed']);
    expect((out.status as { conditions: Array<{ lastUpdateTime?: string }> }).conditions[0].lastUpdateTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const both = approval.prepareForUpdate(csr(good(), { conditions: [approved, { type: 'Denied', status: 'True' }] }), old);
    expect(causes(approval.validateUpdate(both, old))).toContain('status.conditions: Invalid value: "Approved": Approved and Denied conditions are mutually exclusive');
    const wasApproved = csr(good(), { conditions: [approved] });
    expect(causes(approval.validateUpdate(approval.prepareForUpdate(csr(good(), { conditions: [] }), wasApproved), wasApproved)))
      .toEqual(['status.conditions: Forbidden: updates may not remove a condition of type "Approved"']);
    expect(causes(approval.validate(csr(good(), { conditions: [{ type: 'Approved', status: 'False' }] })))).toEqual(['status.conditions[0].status: Unsupported value: "False": supported values: "True"']);
  });

  test('the status subresource keeps approval as it was and an issued certificate as it is', () => {
    const status = s.status;
    if (!status) throw new Error('no status strategy');
    const pem = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64');
    const old = csr(good(), { conditions: [approved] });
    const issued = status.prepareForUpdate(csr(good(), { certificate: pem, conditions: [] }), old);
    expect(issued.status).toMatchObject({ certificate: pem, conditions: [expect.objectContaining({ type: 'Approved' })] });
    expect(status.validateUpdate(issued, old)).toEqual([]);
    expect(causes(status.validateUpdate(status.prepareForUpdate(csr(good(), { certificate: Buffer.from('x').toString('base64') }), issued), issued))).toEqual([
      'status.certificate: Invalid value: "<certificate data>": must contain at least one CERTIFICATE PEM block',
      'status.certificate: Forbidden: updates may not modify existing certificate content',
    ]);
  });
});
