import { servicePorts } from './model';
import { service, slice } from './fixtures';

test('ready endpoints of every slice of a service, matched by port name, sorted by address', () => {
  const ports = servicePorts(
    [service('web', { clusterIP: '10.96.0.20', type: 'NodePort', ports: [{ name: 'http', port: 80, nodePort: 30080 }, { name: 'metrics', port: 9090, protocol: 'TCP' }] })],
    [
      slice('web', 'web-a', [{ name: 'http', port: 8080 }, { name: 'metrics', port: 9100 }], [{ ip: '10.99.0.10' }, { ip: '10.99.0.9', ready: true }]),
      slice('web', 'web-b', [{ name: 'http', port: 8080 }], [{ ip: '10.99.0.2' }, { ip: '10.99.0.3', ready: false }]),
      slice('other', 'other-a', [{ name: 'http', port: 1 }], [{ ip: '10.99.0.50' }]),
    ],
  );
  expect(ports).toEqual([
    { name: 'default/web:http', clusterIP: '10.96.0.20', port: 80, protocol: 'TCP', nodePort: 30080, endpoints: ['10.99.0.2:8080', '10.99.0.9:8080', '10.99.0.10:8080'] },
    { name: 'default/web:metrics', clusterIP: '10.96.0.20', port: 9090, protocol: 'TCP', endpoints: ['10.99.0.9:9100', '10.99.0.10:9100'] },
  ]);
});

test('headless and ExternalName services get no rules; an unnamed port is namespace/name; ClientIP affinity defaults to 10800 s', () => {
  const ports = servicePorts([
    service('headless', { clusterIP: 'None', ports: [{ port: 80 }] }),
    service('ext', { type: 'ExternalName', externalName: 'example.test' }),
    service('sticky', { clusterIP: '10.96.0.30', sessionAffinity: 'ClientIP', ports: [{ port: 53, protocol: 'UDP' }] }, 'kube-system'),
  ], [slice('sticky', 'sticky-a', [{ port: 5353 }], [{ ip: '10.99.0.7' }], 'kube-system')]);
  expect(ports).toEqual([{ name: 'kube-system/sticky', clusterIP: '10.96.0.30', port: 53, protocol: 'UDP', affinitySeconds: 10800, endpoints: ['10.99.0.7:5353'] }]);
});

test('slices of a service in another namespace do not count', () => {
  const ports = servicePorts([service('web', { clusterIP: '10.96.0.20', ports: [{ port: 80 }] })], [slice('web', 'web-a', [{ port: 80 }], [{ ip: '10.99.0.2' }], 'other')]);
  expect(ports[0].endpoints).toEqual([]);
});
