// Reads `-f` arguments the way kubectl's resource builder does: a file, a directory of
// *.json/*.yaml/*.yml (sorted; -R descends), or `-` for stdin; multi-document YAML and JSON;
// `kind: List` expanded. Errors are collected per file so the other files still apply.
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseYamlDocuments, YamlError } from '../apimachinery';
import { isJsonObject, type JsonObject } from './merge-patch';

export interface Manifest {
  object: JsonObject;
  /** The path as the user named it (`test/fixtures/x.yaml`, `dir/a.yaml`) or `STDIN`. */
  source: string;
}

export interface LoadResult {
  manifests: Manifest[];
  /** Ready to print, one per failed file (`error: error parsing …`). */
  errors: string[];
}

export interface LoadOptions {
  recursive?: boolean;
  stdin?: NodeJS.ReadableStream;
}

const EXTENSIONS = new Set(['.json', '.yaml', '.yml']);

const readAll = async (stream: NodeJS.ReadableStream): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
};

/** Files a path stands for, in kubectl's order (filepath.Walk is lexical). */
const expandPath = async (p: string, recursive: boolean, top = true): Promise<string[]> => {
  const st = await fs.stat(p);
  if (!st.isDirectory()) return top || EXTENSIONS.has(path.extname(p)) ? [p] : [];
  if (!top && !recursive) return [];
  const names = (await fs.readdir(p)).sort();
  const nested = await Promise.all(names.map((n) => expandPath(path.join(p, n), recursive, false)));
  return nested.flat();
};

const missingField = (o: JsonObject): string | undefined => {
  const missing = ['apiVersion', 'kind'].filter((f) => typeof o[f] !== 'string' || o[f] === '');
  return missing.length ? missing.map((f) => `${f} not set`).join(', ') : undefined;
};

/** Objects in one file's text; `kind: List` items become objects of their own. */
export const parseManifests = (text: string, source: string): LoadResult => {
  let docs: unknown[];
  try {
    docs = parseYamlDocuments(text, source);
  } catch (err) {
    // YamlError's message is kubectl's (`error parsing <source>: error converting YAML to JSON: yaml: line N: …`);
    // the column is added so the spot can be found without counting.
    if (err instanceof YamlError) {
      return { manifests: [], errors: [`error: ${err.message.replace(/yaml: line (\d+):/, `yaml: line $1, column ${err.column}:`)}`] };
    }
    throw err;
  }
  const result: LoadResult = { manifests: [], errors: [] };
  const add = (doc: unknown): void => {
    if (doc === null || doc === undefined) return;
    if (!isJsonObject(doc)) {
      result.errors.push(`error: error validating "${source}": error validating data: the document is not an object`);
      return;
    }
    if (typeof doc.kind === 'string' && doc.kind.endsWith('List') && Array.isArray(doc.items)) {
      doc.items.forEach(add);
      return;
    }
    const missing = missingField(doc);
    if (missing) result.errors.push(`error: error validating "${source}": error validating data: [${missing}]`);
    else result.manifests.push({ object: doc, source });
  };
  docs.forEach(add);
  return result;
};

export const loadManifests = async (paths: string[], opts: LoadOptions = {}): Promise<LoadResult> => {
  const result: LoadResult = { manifests: [], errors: [] };
  for (const p of paths) {
    if (p === '-') {
      if (!opts.stdin) throw new Error('error: no standard input to read manifests from');
      const one = parseManifests(await readAll(opts.stdin), 'STDIN');
      result.manifests.push(...one.manifests);
      result.errors.push(...one.errors);
      continue;
    }
    const files = await expandPath(p, opts.recursive ?? false).catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') throw new Error(`error: the path "${p}" does not exist`);
      throw err;
    });
    for (const file of files) {
      const one = parseManifests(await fs.readFile(file, 'utf8'), file);
      result.manifests.push(...one.manifests);
      result.errors.push(...one.errors);
    }
  }
  return result;
};
