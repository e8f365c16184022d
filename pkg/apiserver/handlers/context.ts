// What every handler needs, passed in once (no globals): storage, clock, logger, the PKI
// (for pods/log proxying) and the watch bookkeeping for metrics.
import type { Store } from '../../storage';
import type { Logger } from '../../log';
import type { ResourceInfo } from '../../../api/resources';
import type { ApiObject } from '../../../api/meta/v1';

export interface Validation { causes: Array<{ field?: string; message?: string; reason?: string }>; unknownFields: string[] }

export interface HandlerContext {
  store: Store;
  log: Logger;
  now: () => Date;
  pkiDir: string;
  /** Schema validation (types and unknown fields) of a resource's objects. */
  validate(info: ResourceInfo, obj: ApiObject): Validation;
  /** Drops fields the schema does not know (fieldValidation Warn/Ignore). */
  strip(info: ResourceInfo, obj: ApiObject): ApiObject;
  /** Called when an HTTP watch opens (+1) and closes (-1). */
  watchers(info: ResourceInfo, delta: number): void;
}
