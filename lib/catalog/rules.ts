/**
 * What every router shares: the result shape (a reason instead of a throw, so
 * an item goes to Unrouted instead of being lost) and the catalog's routing
 * rules matched against what an event or payment says about itself.
 */
import type { Catalog } from './schema';
import { clip } from '../sources/publicInput';

export type Unrouted = { ok: false; reason: string; detail: string };
export type Routed<T> = { ok: true; value: T };
export type RouteResult<T> = Routed<T> | Unrouted;

export const fail = (reason: string, detail: string): Unrouted => ({ ok: false, reason, detail });

function testPattern(pattern: string | undefined, value: string | undefined): boolean | undefined {
	if (!pattern) return undefined;
	if (value === undefined) return false;
	// Ops write the patterns; what they are matched against is capped so no pattern can be made to crawl.
	return new RegExp(pattern, 'i').test(clip(value, 500));
}

export interface Signals {
	subject?: string;
	eventType?: string;
	organizer?: string;
}

/** A rule matches when every pattern it has matches. */
export function matchingRules(catalog: Catalog, s: Signals) {
	return catalog.routing.filter((r) => {
		const checks = [
			testPattern(r.subject, s.subject),
			testPattern(r.eventType, s.eventType),
			r.organizer ? (s.organizer ?? '').toLowerCase() === r.organizer : undefined,
		].filter((c) => c !== undefined);
		return checks.length > 0 && checks.every(Boolean);
	});
}
