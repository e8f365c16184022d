// Debian's kubectl package installs every minor version side by side; tests name one by version.
import { existsSync } from 'node:fs';

/** `/usr/lib/google-cloud-sdk/bin/kubectl.<v>`, or plain `kubectl` when that version is absent. */
export const kubectlBinary = (v: string): string => {
  const p = `/usr/lib/google-cloud-sdk/bin/kubectl.${v}`;
  return existsSync(p) ? p : 'kubectl';
};
