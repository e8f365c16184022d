// CRI PullImage over the image store: the request's auth honoured, pull failures mapped to
// gRPC codes (NOT_FOUND when every registry asked says the image does not exist, UNKNOWN
// with the reason otherwise), so kubelet-style clients report ErrImagePull with the cause.
import { status } from '@grpc/grpc-js';
import { CriError, invalidArgument, notFound } from '../errors';
import { ImagePullError } from './pull';
import { InvalidReferenceError } from './reference';
import { credentialsFromCri, type CriAuthConfig } from './registry-auth';
import type { ImageStore } from './store';

/** The PullImageRequest fields read here (`auth` is field 2 of upstream's message). */
export interface CriPullRequest {
  image: { image: string };
  auth?: CriAuthConfig | null;
}

/** Returns the image ID (what PullImageResponse.image_ref carries). */
export const pullForCri = async (images: Pick<ImageStore, 'pull'>, r: CriPullRequest, signal?: AbortSignal): Promise<string> => {
  const ref = r.image.image;
  try {
    return (await images.pull(ref, credentialsFromCri(r.auth), signal)).id;
  } catch (err) {
    if (err instanceof InvalidReferenceError) throw invalidArgument(err.message);
    if (err instanceof ImagePullError) {
      throw err.notFound ? notFound(`image "${ref}" not found: ${err.message}`) : new CriError(status.UNKNOWN, `pulling image "${ref}": ${err.message}`);
    }
    throw err;
  }
};
