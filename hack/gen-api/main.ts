// Generates api/<group>/<version>.ts from upstream Kubernetes OpenAPI documents.
//   npx tsc -p tsconfig.json && node dist/hack/gen-api/main.js <swagger.json | v3 *.json...> [--out api] [--source label]
// The upstream JSON is read from the paths given and never committed; only the generated
// modules are. Either the v2 swagger.json (definitions) or the v3 per-group documents
// (components.schemas) work.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { modules } from './config';
import { emitModule, plan, type Definitions } from './emit';

const loadDefinitions = (files: string[]): Definitions => {
  const defs: Definitions = {};
  for (const f of files) {
    const doc = JSON.parse(readFileSync(f, 'utf8')) as { definitions?: Definitions; components?: { schemas?: Definitions } };
    Object.assign(defs, doc.definitions ?? {}, doc.components?.schemas ?? {});
  }
  return defs;
};

const main = (argv: string[]): void => {
  const files: string[] = [];
  let out = 'api';
  let source = 'the Kubernetes OpenAPI document';
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') out = argv[++i];
    else if (argv[i] === '--source') source = argv[++i];
    else files.push(argv[i]);
  }
  if (files.length === 0) throw new Error('usage: gen-api <openapi.json>... [--out api] [--source label]');
  const defs = loadDefinitions(files);
  const order = plan(defs, modules);
  for (const mod of modules) {
    const file = path.join(out, `${mod.file}.ts`);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, emitModule(defs, mod, order.get(mod.prefix) ?? [], source));
    process.stdout.write(`${file}: ${order.get(mod.prefix)?.length ?? 0} definitions\n`);
  }
};

main(process.argv.slice(2));
