// Errors that cross the gRPC boundary carry their status code (NOT_FOUND, ALREADY_EXISTS, …);
// server.ts maps them, and anything else becomes INTERNAL after being logged once.
import { status } from '@grpc/grpc-js';

export class CriError extends Error {
  override readonly name = 'CriError';
  constructor(readonly code: status, message: string) {
    super(message);
  }
}

export const notFound = (message: string): CriError => new CriError(status.NOT_FOUND, message);
export const alreadyExists = (message: string): CriError => new CriError(status.ALREADY_EXISTS, message);
export const invalidArgument = (message: string): CriError => new CriError(status.INVALID_ARGUMENT, message);
export const failedPrecondition = (message: string): CriError => new CriError(status.FAILED_PRECONDITION, message);

export const isCriError = (e: unknown): e is CriError => e instanceof CriError;
export const isNotFoundError = (e: unknown): boolean => e instanceof CriError && e.code === status.NOT_FOUND;
