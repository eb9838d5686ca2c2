const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else is simply not found (and never reaches SQL as a bad cast). */
export const isUuid = (id: unknown): id is string => typeof id === 'string' && UUID.test(id);
