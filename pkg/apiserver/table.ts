// Server-side Tables (meta.k8s.io/v1 Table), which `kubectl get` asks for in its Accept header.
// Rows carry the object as PartialObjectMetadata by default, or whole with includeObject=Object.
import type { ApiObject } from '../../api/meta/v1';
import type { ResourceInfo, PrinterColumn } from '../../api/resources';
import { printers, age, type Cell } from './printers';

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableRequest { version: 'v1' | 'v1beta1'; includeObject: IncludeObject }

/** Returns the Table version the Accept header asks for, if any, honouring its order. */
export const negotiateTable = (accept: string | undefined, includeObject: unknown): TableRequest | undefined => {
  for (const part of (accept ?? '').split(',')) {
    const [type, ...rest] = part.split(';').map((p) => p.trim());
    if (type !== 'application/json' && type !== '*/*') continue;
    const params = new Map(rest.map((p) => p.split('=') as [string, string]));
    if (params.size === 0) return undefined; // plain JSON came first
    if (params.get('as') !== 'Table' || params.get('g') !== 'meta.k8s.io') continue;
    const v = params.get('v');
    if (v !== 'v1' && v !== 'v1beta1') continue;
    const inc = includeObject === 'None' || includeObject === 'Object' ? includeObject : 'Metadata';
    return { version: v, includeObject: inc };
  }
  return undefined;
};

const defaultColumns: PrinterColumn[] = [
  { name: 'Name', type: 'string', format: 'name', description: 'Name of the object.', priority: 0 },
  { name: 'Age', type: 'string', description: 'Time since creation.', priority: 0 },
];

export const columnsOf = (info: ResourceInfo): PrinterColumn[] => (printers[info.kind] ? info.columns : defaultColumns);

export const rowCells = (info: ResourceInfo, obj: ApiObject, now: Date): Cell[] => {
  const p = printers[info.kind];
  return p ? p(obj, now) : [obj.metadata.name ?? '', age(obj.metadata.creationTimestamp, now)];
};

const rowObject = (info: ResourceInfo, obj: ApiObject, version: string, include: IncludeObject): ApiObject | undefined => {
  if (include === 'None') return undefined;
  if (include === 'Object') return { apiVersion: info.group ? `${info.group}/${info.version}` : info.version, kind: info.kind, ...obj };
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: obj.metadata };
};

export interface Table {
  kind: 'Table';
  apiVersion: string;
  metadata: { resourceVersion?: string; continue?: string };
  columnDefinitions: PrinterColumn[];
  rows: Array<{ cells: Cell[]; object?: ApiObject }>;
}

export const toTable = (info: ResourceInfo, items: ApiObject[], meta: Table['metadata'], req: TableRequest, now: Date): Table => ({
  kind: 'Table',
  apiVersion: `meta.k8s.io/${req.version}`,
  metadata: meta,
  columnDefinitions: columnsOf(info).map((c) => ({ ...c, format: c.format ?? '' })),
  rows: items.map((obj) => {
    const object = rowObject(info, obj, req.version, req.includeObject);
    return { cells: rowCells(info, obj, now), ...(object ? { object } : {}) };
  }),
});
