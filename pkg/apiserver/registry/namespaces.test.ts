import { namespaceStrategy, validateFinalizerName } from './namespaces';

describe('namespace finalizers', () => {
  it.each(['kubernetes', 'orphan', 'foregroundDeletion', 'example.com/hold', 'kubernetes.io/pvc-protection'])('accepts %s', (f) => {
    expect(validateFinalizerName(f, 'spec.finalizers[0]')).toEqual([]);
  });
  it('refuses unqualified non-standard names and malformed ones', () => {
    expect(validateFinalizerName('custom', 'f')).toEqual([expect.objectContaining({ field: 'f', message: 'Invalid value: "custom": name is neither a standard finalizer name nor is it fully qualified' })]);
    expect(validateFinalizerName('-bad/x', 'f')).toHaveLength(1);
    expect(validateFinalizerName('a/', 'f')).toHaveLength(1);
  });
  it('keeps status on updates (the finalize subresource shares this path) and validates spec.finalizers', () => {
    const old = { metadata: { name: 'n' }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Terminating' } };
    expect(namespaceStrategy.prepareForUpdate({ metadata: { name: 'n' }, spec: { finalizers: [] }, status: { phase: 'Active' } }, old))
      .toEqual({ metadata: { name: 'n' }, spec: { finalizers: [] }, status: { phase: 'Terminating' } });
    expect(namespaceStrategy.validateUpdate({ metadata: { name: 'n' }, spec: { finalizers: ['x'] } }, old)).toHaveLength(1);
  });
});
