import { metricsTable } from './table';

describe('metrics Table (kubectl get pods.metrics.k8s.io)', () => {
  it('has Name, cpu, memory and Window, with pods summed over their containers', () => {
    const t = metricsTable([{
      metadata: { name: 'web', namespace: 'default' }, window: '1.5s',
      containers: [{ name: 'a', usage: { cpu: '250m', memory: '1Mi' } }, { name: 'b', usage: { memory: '1Mi', cpu: '1234n' } }],
    }], { version: 'v1', includeObject: 'Metadata' });
    expect(t.columnDefinitions.map((c) => [c.name, c.format])).toEqual([['Name', 'name'], ['cpu', 'quantity'], ['memory', 'quantity'], ['Window', 'duration']]);
    expect(t.rows).toEqual([{
      cells: ['web', '250001234n', '2Mi', '1.5s'],
      object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: { name: 'web', namespace: 'default' } },
    }]);
  });

  it('has no columns without items, and rows without objects for includeObject=None', () => {
    expect(metricsTable([], { version: 'v1', includeObject: 'Metadata' }).columnDefinitions).toEqual([]);
    const t = metricsTable([{ metadata: { name: 'n1' }, window: '1s', usage: { cpu: '1', memory: '1Gi' } }], { version: 'v1beta1', includeObject: 'None' });
    expect(t).toMatchObject({ apiVersion: 'meta.k8s.io/v1beta1', rows: [{ cells: ['n1', '1', '1Gi', '1s'] }] });
    expect(t.rows[0]).not.toHaveProperty('object');
  });
});
