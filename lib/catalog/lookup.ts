/** Looking things up in a checked catalog. */
import type { BookingKind } from './facts';
import type { Catalog, Practitioner, Service } from './schema';

export function practitionersFor(catalog: Catalog, serviceKey: string): Practitioner[] {
	return catalog.practitioners.filter((p) => !p.consultant && p.services.includes(serviceKey));
}

export function consultant(catalog: Catalog): Practitioner | undefined {
	return catalog.practitioners.find((p) => p.consultant);
}

export function mailboxes(catalog: Catalog): string[] {
	return [...new Set(catalog.practitioners.map((p) => p.mailbox))];
}

/** What a booking of this kind costs in the catalog; null when the catalog has no price for it. */
export function expectedPrice(service: Service, kind: BookingKind): number | null {
	if (kind === 'freeConsultation') return 0;
	return kind === 'initial' ? (service.prices.initial ?? null) : (service.prices.followUp ?? null);
}
/** The service a patient's answer names ("Weight Loss", "weight-loss", "GAPS coaching please"); undefined when none does. */
export function serviceNamed(catalog: Catalog, answer: string | undefined): Service | undefined {
	const a = String(answer ?? '').trim().toLowerCase();
	if (!a) return undefined;
	return catalog.services.find((s) => s.key === a || s.name.toLowerCase() === a) ?? catalog.services.find((s) => a.includes(s.name.toLowerCase()));
}
