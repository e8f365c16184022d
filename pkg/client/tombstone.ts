// client-go's cache.DeletedFinalStateUnknown: when a relist (after a 410 or a dropped watch)
// finds that an object in the cache is gone, its deletion was never seen, so the final state is
// unknown. The delete handler then receives this tombstone — the object's key and the last state
// the cache held — instead of the object, as client-go's DeleteFunc does. Handlers unwrap it
// with objectFromDeleted (upstream's `if tombstone, ok := obj.(cache.DeletedFinalStateUnknown)`).

export class DeletedFinalStateUnknown<T> {
  constructor(readonly key: string, readonly obj: T) {}
}

/** What a delete handler receives: the final object, or a tombstone holding the last known one. */
export type DeletedObject<T> = T | DeletedFinalStateUnknown<T>;

/** The object a delete handler should act on: the final state, or the tombstone's last known state. */
export const objectFromDeleted = <T>(deleted: DeletedObject<T>): T =>
  deleted instanceof DeletedFinalStateUnknown ? deleted.obj : deleted;
