// The generated patch metadata matches api/ (UPDATE_GOLDEN=1 rewrites it) and says what kubectl's
// schema says for the fields apply meets most.
import fs from 'node:fs';
import path from 'node:path';
import { resources } from '../../api/resources';
import { buildPatchMetaTable, renderPatchMetaModule } from './patch-meta-gen';
import { fieldMeta, lookupPatchMeta } from './patch-meta';

const file = path.join(__dirname, 'patch-meta.generated.ts');

test('patch-meta.generated.ts is current with api/', () => {
  const text = renderPatchMetaModule(buildPatchMetaTable(resources));
  if (process.env.UPDATE_GOLDEN) fs.writeFileSync(file, text);
  expect(fs.readFileSync(file, 'utf8')).toBe(text);
});

test('merge keys and strategies of the pod template, as upstream', async () => {
  const deploy = await lookupPatchMeta('apps/v1', 'Deployment');
  const podSpec = fieldMeta(fieldMeta(fieldMeta(deploy, 'spec'), 'template'), 'spec');
  const containers = fieldMeta(podSpec, 'containers');
  expect(containers).toMatchObject({ k: 'name', s: 'merge' });
  expect(fieldMeta(containers, 'ports')).toMatchObject({ k: 'containerPort', s: 'merge' });
  expect(fieldMeta(containers, 'env')).toMatchObject({ k: 'name', s: 'merge' });
  expect(fieldMeta(containers, 'volumeMounts')).toMatchObject({ k: 'mountPath', s: 'merge' });
  expect(fieldMeta(podSpec, 'volumes')).toMatchObject({ k: 'name', s: 'merge,retainKeys' });
  expect(await lookupPatchMeta('example.com/v1', 'Widget')).toBeUndefined();
});
