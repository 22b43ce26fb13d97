/** Plain-object helpers shared by the routing and catalog rules. */

/** A shallow copy of `o` without the given keys (for example the catalog riding along on an item). */
export function omit<T extends object, K extends keyof T>(o: T, ...keys: K[]): Omit<T, K> {
	const out = { ...o };
	for (const k of keys) delete out[k];
	return out;
}
