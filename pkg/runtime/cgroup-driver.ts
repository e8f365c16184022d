// Chooses the cgroup driver for the host, once at start-up.
import fs from 'node:fs';
import path from 'node:path';
import { defaultCgroupRoot, type CgroupDriver } from './cgroups';
import { cgroupV1, hostHierarchyOf } from './cgroups-v1';
import { cgroupV2 } from './cgroups-v2';

/** v2 when the root is a cgroup2 mount (it has cgroup.controllers); v1 and hybrid hosts use v1. */
export const detectCgroupVersion = (root = defaultCgroupRoot): 1 | 2 =>
  fs.existsSync(path.join(root, 'cgroup.controllers')) ? 2 : 1;

export const detectCgroupDriver = (root = defaultCgroupRoot): CgroupDriver =>
  detectCgroupVersion(root) === 2 ? cgroupV2(root) : cgroupV1(root, hostHierarchyOf(root));
