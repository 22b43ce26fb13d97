/**
 * MediRecords sandbox: the parts of the MediRecords REST API the clinic uses,
 * served on loopback with the real contract (bearer auth, practice checks,
 * validation errors, paging, double-booking refusal) and fault injection.
 * Where MediRecords' behaviour is not documented it is conservative: unknown
 * fields and badly formatted values are refused with 400 and a JSON body.
 */
import { randomUUID } from 'crypto';
import { json, paged, Router, SandboxServer, type SandboxRequest, type SandboxResponse, type Fault, type ServeOptions } from './http';
import { APPOINTMENT_TYPES, PRACTICE_ID, PRACTITIONERS, SANDBOX_TOKEN } from './seed';

export interface Patient {
	id: string;
	defaultPracticeId: string;
	[key: string]: unknown;
}

export interface Appointment {
	id: string;
	practiceId: string;
	patientId: string;
	providerId: string | null;
	appointmentTypeId: string;
	scheduleTime: string;
	appointmentStatus: number;
	appointmentIntervalCode: string;
	[key: string]: unknown;
}

export interface MediRecordsState {
	patients: Map<string, Patient>;
	/** Addresses per patient id (MediRecords keeps them apart from the patient record). */
	addresses: Map<string, Array<Record<string, unknown>>>;
	appointments: Map<string, Appointment>;
	requests: Array<{ method: string; path: string }>;
	/** Each patient search's criteria, so a test can count the searches made for its own patients. */
	searches: Array<Record<string, string>>;
}

/** Interval codes are opaque: a client must look them up, not send minutes. */
export const INTERVAL_CODES = Array.from({ length: 48 }, (_, i) => {
	const minutes = (i + 1) * 5;
	const label = minutes % 60 === 0 ? `${minutes / 60} hr${minutes > 60 ? 's' : ''}` : minutes > 60 ? `${Math.floor(minutes / 60)} hr ${minutes % 60} mins` : `${minutes} mins`;
	return { code: `AIC${String(i + 1).padStart(2, '0')}`, description: label, minutes };
});

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOCAL_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/;
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;
const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const PATIENT_WRITABLE = ['defaultPracticeId', 'usualDoctorId', 'titleCode', 'firstName', 'lastName', 'gender', 'dob', 'patientStatusCode', 'oneNameOnly', 'mobilePhone', 'homePhone', 'email', 'notes', 'contactMethod'];
const PATIENT_READONLY = ['id', 'createdDateTime', 'updatedDateTime'];
const APPT_CREATE = ['patientId', 'appointmentTypeId', 'scheduleTime', 'appointmentStatus', 'appointmentIntervalCode', 'providerId', 'roomId', 'notes', 'walkIn', 'firstAvailableDoctor', 'allowDoubleBookingForPatient', 'allowDoubleBookingForProvider', 'urgency', 'emailReminder', 'reminderMethod', 'reminderType', 'referralId'];
const APPT_UPDATE = [...APPT_CREATE, 'cancellationReason'];
const APPT_READONLY = ['id', 'practiceId', 'confirmationLink', 'telehealthLinkForProvider', 'telehealthLinkForPatient', 'createdBy', 'createdDateTime', 'updatedBy', 'updatedDateTime'];
const GENDER_CODES = ['M', 'F', 'I', 'U', 'X', 'N'];
const REMINDER_METHODS = ['SMS', 'EMAIL', 'SMS_AND_EMAIL', 'NONE'];

function bad(message: string, field?: string): SandboxResponse {
	return json(400, { status: 400, error: 'Bad Request', message, ...(field ? { errors: [{ field, message }] } : {}) });
}

function stamp(): string {
	return new Date().toISOString().replace('Z', '+0000');
}

function isValidLocal(s: unknown): boolean {
	if (typeof s !== 'string') return false;
	const m = LOCAL_RE.exec(s);
	if (!m) return false;
	const [, y, mo, d, h, mi] = m.map(Number);
	const dt = new Date(Date.UTC(y, mo - 1, d));
	return dt.getUTCMonth() === mo - 1 && dt.getUTCDate() === d && h < 24 && mi < 60;
}

function localMinutes(s: string): number {
	const [, y, mo, d, h, mi] = LOCAL_RE.exec(s)!.map(Number);
	return Date.UTC(y, mo - 1, d, h, mi) / 60000;
}

function unknownField(body: Record<string, unknown>, allowed: string[]): string | undefined {
	return Object.keys(body).find((k) => !allowed.includes(k));
}

export interface MediRecordsSandboxOptions {
	port?: number;
	token?: string;
	practiceId?: string;
}

export class MediRecordsSandbox extends SandboxServer {
	readonly token: string;
	readonly practiceId: string;
	readonly state: MediRecordsState = { patients: new Map(), addresses: new Map(), appointments: new Map(), requests: [], searches: [] };

	constructor(opts: MediRecordsSandboxOptions = {}) {
		super(opts.port);
		this.token = opts.token ?? SANDBOX_TOKEN;
		this.practiceId = opts.practiceId ?? PRACTICE_ID;
	}

	protected serveOptions(): Partial<ServeOptions> {
		return { onRequest: (r) => this.state.requests.push({ method: r.method, path: r.path }) };
	}

	reset(): void {
		this.state.patients.clear();
		this.state.addresses.clear();
		this.state.appointments.clear();
		this.state.requests.length = 0;
		this.state.searches.length = 0;
		this.faults.latencyMs = 0;
		this.faults.queue.length = 0;
	}

	durationMinutes(code: string): number | undefined {
		return INTERVAL_CODES.find((c) => c.code === code)?.minutes;
	}

	private authorised(req: SandboxRequest): SandboxResponse | undefined {
		const auth = req.headers.authorization;
		if (auth !== `Bearer ${this.token}`) {
			return json(401, { status: 401, error: 'Unauthorized', message: 'Full authentication is required to access this resource' });
		}
		return undefined;
	}

	private practice(req: SandboxRequest): SandboxResponse | undefined {
		if (req.params.practiceId !== this.practiceId) {
			return json(404, { status: 404, error: 'Not Found', message: 'Practice not found' });
		}
		return undefined;
	}

	private guard(h: (req: SandboxRequest) => SandboxResponse, practiceScoped = true) {
		return (req: SandboxRequest): SandboxResponse =>
			this.authorised(req) ?? (practiceScoped ? this.practice(req) : undefined) ?? h(req);
	}

	private validatePatient(body: Record<string, unknown>, creating: boolean): SandboxResponse | undefined {
		const unknown = unknownField(body, creating ? PATIENT_WRITABLE : [...PATIENT_WRITABLE, ...PATIENT_READONLY]);
		if (unknown) return bad(`Unrecognized field "${unknown}"`, unknown);
		if (body.defaultPracticeId !== this.practiceId) {
			return body.defaultPracticeId ? bad('defaultPracticeId does not match a practice you can access', 'defaultPracticeId') : bad('defaultPracticeId is required', 'defaultPracticeId');
		}
		if (typeof body.lastName !== 'string' || !body.lastName.trim()) return bad('lastName is required', 'lastName');
		if (body.oneNameOnly !== true && (typeof body.firstName !== 'string' || !body.firstName.trim())) {
			return bad('firstName is required unless oneNameOnly is true', 'firstName');
		}
		for (const f of PATIENT_WRITABLE) {
			const v = body[f];
			if (v !== undefined && v !== null && f !== 'oneNameOnly' && typeof v !== 'string') return bad(`${f} must be a string`, f);
		}
		if (body.dob != null) {
			const d = String(body.dob);
			const dt = new Date(`${d}T00:00:00Z`);
			if (!DATE_RE.test(d) || Number.isNaN(dt.getTime()) || dt.toISOString().slice(0, 10) !== d) return bad('dob must be a date in the format yyyy-MM-dd', 'dob');
			if (dt.getTime() > Date.now()) return bad('dob cannot be in the future', 'dob');
		}
		if (body.email != null && !EMAIL_RE.test(String(body.email))) return bad('email is not a valid email address', 'email');
		if (body.gender != null && !GENDER_CODES.includes(String(body.gender))) return bad(`gender must be one of ${GENDER_CODES.join(', ')}`, 'gender');
		if (body.mobilePhone != null && !/^\+?[0-9 ()-]{6,20}$/.test(String(body.mobilePhone))) return bad('mobilePhone is not a valid phone number', 'mobilePhone');
		if (body.usualDoctorId != null && !PRACTITIONERS.some((p) => p.providerId === body.usualDoctorId)) return bad('usualDoctorId is not a provider of this practice', 'usualDoctorId');
		return undefined;
	}

	private validateAppointment(body: Record<string, unknown>, allowed: string[], selfId?: string): SandboxResponse | undefined {
		const unknown = unknownField(body, allowed);
		if (unknown) return bad(`Unrecognized field "${unknown}"`, unknown);
		for (const f of ['patientId', 'appointmentTypeId', 'scheduleTime', 'appointmentStatus', 'appointmentIntervalCode']) {
			if (body[f] === undefined || body[f] === null || body[f] === '') return bad(`${f} is required`, f);
		}
		if (!UUID_RE.test(String(body.patientId)) || !this.state.patients.has(String(body.patientId))) return bad('patientId does not match a patient', 'patientId');
		if (!APPOINTMENT_TYPES.some((t) => t.id === body.appointmentTypeId)) return bad('appointmentTypeId does not match an appointment type of this practice', 'appointmentTypeId');
		if (body.providerId != null && !PRACTITIONERS.some((p) => p.providerId === body.providerId)) return bad('providerId does not match a provider of this practice', 'providerId');
		if (!isValidLocal(body.scheduleTime)) return bad("scheduleTime must be in the format yyyy-MM-dd'T'HH:mm (practice local time, no offset)", 'scheduleTime');
		if (!Number.isInteger(body.appointmentStatus) || (body.appointmentStatus as number) < 2 || (body.appointmentStatus as number) > 8) return bad('appointmentStatus must be an integer from 2 to 8', 'appointmentStatus');
		if (body.appointmentStatus === 8 && (typeof body.cancellationReason !== 'string' || !body.cancellationReason.trim())) return bad('cancellationReason is required when cancelling an appointment', 'cancellationReason');
		if (this.durationMinutes(String(body.appointmentIntervalCode)) === undefined) return bad('appointmentIntervalCode is not a valid appointment interval code', 'appointmentIntervalCode');
		if (body.notes != null && (typeof body.notes !== 'string' || Array.from(body.notes).length > 500)) return bad('notes must be at most 500 characters', 'notes');
		if (body.urgency != null && body.urgency !== 1 && body.urgency !== 2) return bad('urgency must be 1 (normal) or 2 (urgent)', 'urgency');
		if (body.reminderMethod != null && !REMINDER_METHODS.includes(String(body.reminderMethod))) return bad(`reminderMethod must be one of ${REMINDER_METHODS.join(', ')}`, 'reminderMethod');
		for (const f of ['walkIn', 'firstAvailableDoctor', 'emailReminder', 'allowDoubleBookingForPatient', 'allowDoubleBookingForProvider']) {
			if (body[f] != null && typeof body[f] !== 'boolean') return bad(`${f} must be a boolean`, f);
		}
		if (body.appointmentStatus !== 8) {
			const start = localMinutes(String(body.scheduleTime));
			const end = start + this.durationMinutes(String(body.appointmentIntervalCode))!;
			for (const other of this.state.appointments.values()) {
				if (other.id === selfId || other.appointmentStatus === 8) continue;
				const oStart = localMinutes(other.scheduleTime);
				const oEnd = oStart + (this.durationMinutes(other.appointmentIntervalCode) ?? 0);
				if (oStart >= end || start >= oEnd) continue;
				if (other.patientId === body.patientId && body.allowDoubleBookingForPatient !== true) {
					return json(409, { status: 409, error: 'Conflict', message: 'The patient already has an appointment at this time' });
				}
				if (body.providerId && other.providerId === body.providerId && body.allowDoubleBookingForProvider !== true) {
					return json(409, { status: 409, error: 'Conflict', message: 'The provider already has an appointment at this time' });
				}
			}
		}
		return undefined;
	}

	private storeAppointment(id: string, body: Record<string, unknown>, existing?: Appointment): Appointment {
		const { allowDoubleBookingForPatient: _p, allowDoubleBookingForProvider: _q, ...fields } = body;
		const appt = {
			id,
			practiceId: this.practiceId,
			providerId: null,
			roomId: null,
			referralId: null,
			notes: null,
			urgency: 1,
			walkIn: false,
			firstAvailableDoctor: false,
			cancellationReason: null,
			emailReminder: false,
			reminderMethod: null,
			reminderType: null,
			confirmationLink: `https://patient.medirecords.example/confirm/${id}`,
			telehealthLinkForProvider: null,
			telehealthLinkForPatient: null,
			createdBy: existing?.createdBy ?? 'api',
			createdDateTime: existing?.createdDateTime ?? stamp(),
			updatedBy: 'api',
			updatedDateTime: stamp(),
			...fields,
		} as unknown as Appointment;
		this.state.appointments.set(id, appt);
		return appt;
	}

	/**
	 * Reception at the front desk: an appointment booked, moved or cancelled in MediRecords itself (by phone),
	 * not through the API this package calls. `updatedDateTime` can be set in the past, as an edit synced
	 * from another workstation or made on an earlier day is stamped. Returns the stored appointment.
	 */
	receptionBook(o: { providerId: string; scheduleTime: string; minutes?: number; patientId?: string; appointmentTypeId?: string; status?: number; notes?: string }): Appointment {
		const patientId = o.patientId ?? this.receptionPatient();
		const code = INTERVAL_CODES.find((c) => c.minutes === (o.minutes ?? 30))?.code;
		if (!code) throw new Error(`no interval code of ${o.minutes} minutes`);
		const appt = this.storeAppointment(randomUUID(), {
			patientId,
			appointmentTypeId: o.appointmentTypeId ?? APPOINTMENT_TYPES[0].id,
			scheduleTime: o.scheduleTime,
			appointmentStatus: o.status ?? 2,
			appointmentIntervalCode: code,
			providerId: o.providerId,
			notes: o.notes ?? null,
		});
		appt.createdBy = appt.updatedBy = 'reception';
		return appt;
	}

	receptionMove(id: string, change: { scheduleTime?: string; providerId?: string; minutes?: number; updatedDateTime?: string }): Appointment {
		const a = this.state.appointments.get(id);
		if (!a) throw new Error('no such appointment');
		if (change.scheduleTime) a.scheduleTime = change.scheduleTime;
		if (change.providerId) a.providerId = change.providerId;
		if (change.minutes) a.appointmentIntervalCode = INTERVAL_CODES.find((c) => c.minutes === change.minutes)!.code;
		a.updatedBy = 'reception';
		a.updatedDateTime = change.updatedDateTime ?? stamp();
		return a;
	}

	receptionCancel(id: string, updatedDateTime?: string): Appointment {
		const a = this.state.appointments.get(id);
		if (!a) throw new Error('no such appointment');
		Object.assign(a, { appointmentStatus: 8, cancellationReason: 'Patient phoned to cancel', updatedBy: 'reception', updatedDateTime: updatedDateTime ?? stamp() });
		return a;
	}

	receptionDelete(id: string): void {
		this.state.appointments.delete(id);
	}

	/** A patient reception has on file (one per sandbox), so phone bookings need no patient of a test's own. */
	private receptionPatient(): string {
		const existing = [...this.state.patients.values()].find((p) => p.notes === 'reception walk-in');
		if (existing) return existing.id;
		const id = randomUUID();
		this.state.patients.set(id, { id, defaultPracticeId: this.practiceId, firstName: 'Rosalind', lastName: 'Pemberton-Quayle', notes: 'reception walk-in', createdDateTime: stamp(), updatedDateTime: stamp() } as unknown as Patient);
		return id;
	}

	protected router(): Router {
		const r = new Router();
		const P = '/v1/practices/:practiceId';
		r.add('GET', P, this.guard(() => json(200, { id: this.practiceId, name: 'Whole Health Clinic', timezone: 'Australia/Sydney', abn: '00 000 000 000', status: 'ACTIVE' })));

		r.add('GET', `${P}/appointment-types`, this.guard((req) => paged(APPOINTMENT_TYPES.map((t, i) => ({ ...t, order: i + 1, activeStatus: 1, community: true, description: null })), req.query)));
		r.add('GET', `${P}/appointment-types/:id`, this.guard((req) => {
			const i = APPOINTMENT_TYPES.findIndex((t) => t.id === req.params.id);
			return i < 0 ? json(404, { status: 404, message: 'Appointment type not found' }) : json(200, { ...APPOINTMENT_TYPES[i], order: i + 1, activeStatus: 1, community: true, description: null });
		}));

		r.add('GET', `${P}/appointments`, this.guard((req) => {
			const q = req.query;
			for (const k of q.keys()) {
				if (!['appointmentDateRangeStart', 'appointmentDateRangeEnd', 'providerId', 'patientId', 'appointmentStatus', 'appointmentTypeId', 'roomId', 'urgency', 'page', 'size'].includes(k)) return bad(`Unknown query parameter "${k}"`, k);
			}
			const start = q.get('appointmentDateRangeStart');
			const end = q.get('appointmentDateRangeEnd');
			if (start && !isValidLocal(start)) return bad("appointmentDateRangeStart must be in the format yyyy-MM-dd'T'HH:mm", 'appointmentDateRangeStart');
			if (end && !isValidLocal(end)) return bad("appointmentDateRangeEnd must be in the format yyyy-MM-dd'T'HH:mm", 'appointmentDateRangeEnd');
			const status = q.get('appointmentStatus');
			if (status && !/^[2-8]$/.test(status)) return bad('appointmentStatus must be an integer from 2 to 8', 'appointmentStatus');
			const list = [...this.state.appointments.values()]
				.filter((a) => (!start || a.scheduleTime >= start) && (!end || a.scheduleTime <= end))
				.filter((a) => !q.get('providerId') || a.providerId === q.get('providerId'))
				.filter((a) => !q.get('patientId') || a.patientId === q.get('patientId'))
				.filter((a) => !status || a.appointmentStatus === Number(status))
				.filter((a) => !q.get('appointmentTypeId') || a.appointmentTypeId === q.get('appointmentTypeId'))
				.filter((a) => !q.get('roomId') || a.roomId === q.get('roomId'))
				.filter((a) => !q.get('urgency') || String(a.urgency) === q.get('urgency'))
				.sort((a, b) => a.scheduleTime.localeCompare(b.scheduleTime) || String(a.createdDateTime).localeCompare(String(b.createdDateTime)));
			return paged(list, q);
		}));
		r.add('GET', `${P}/appointments/:id`, this.guard((req) => {
			const a = this.state.appointments.get(req.params.id);
			return a ? json(200, a) : json(404, { status: 404, error: 'Not Found', message: 'Appointment not found' });
		}));
		r.add('POST', `${P}/appointments`, this.guard((req) => {
			const body = req.body as Record<string, unknown> | undefined;
			if (!body || typeof body !== 'object' || Array.isArray(body)) return bad('Request body must be a JSON object');
			const invalid = this.validateAppointment(body, APPT_CREATE);
			if (invalid) return invalid;
			return json(201, this.storeAppointment(randomUUID(), body));
		}));
		r.add('PUT', `${P}/appointments/:id`, this.guard((req) => {
			const existing = this.state.appointments.get(req.params.id);
			if (!existing) return json(404, { status: 404, error: 'Not Found', message: 'Appointment not found' });
			const body = req.body as Record<string, unknown> | undefined;
			if (!body || typeof body !== 'object' || Array.isArray(body)) return bad('Request body must be a JSON object');
			const { id, practiceId, ...rest } = body;
			if (id !== undefined && id !== existing.id) return bad('id in the body does not match the path', 'id');
			if (practiceId !== undefined && practiceId !== this.practiceId) return bad('practiceId cannot be changed', 'practiceId');
			for (const f of APPT_READONLY) delete rest[f];
			const invalid = this.validateAppointment(rest, APPT_UPDATE, existing.id);
			if (invalid) return invalid;
			return json(200, this.storeAppointment(existing.id, rest, existing));
		}));
		r.add('DELETE', `${P}/appointments/:id`, this.guard((req) => {
			if (!this.state.appointments.delete(req.params.id)) return json(404, { status: 404, error: 'Not Found', message: 'Appointment not found' });
			return json(200, { id: req.params.id, message: 'Appointment deleted successfully' });
		}));

		r.add('POST', '/v1/patients', this.guard((req) => {
			const body = req.body as Record<string, unknown> | undefined;
			if (!body || typeof body !== 'object' || Array.isArray(body)) return bad('Request body must be a JSON object');
			const invalid = this.validatePatient(body, true);
			if (invalid) return invalid;
			const patient: Patient = { ...(body as Patient), id: randomUUID(), createdDateTime: stamp(), updatedDateTime: stamp() };
			this.state.patients.set(patient.id, patient);
			return json(201, patient);
		}, false));
		r.add('GET', '/v1/patients/:id', this.guard((req) => {
			const p = this.state.patients.get(req.params.id);
			return p ? json(200, p) : json(404, { status: 404, error: 'Not Found', message: 'Patient not found' });
		}, false));
		r.add('PUT', '/v1/patients/:id', this.guard((req) => {
			const existing = this.state.patients.get(req.params.id);
			if (!existing) return json(404, { status: 404, error: 'Not Found', message: 'Patient not found' });
			const body = req.body as Record<string, unknown> | undefined;
			if (!body || typeof body !== 'object' || Array.isArray(body)) return bad('Request body must be a JSON object');
			if (body.id !== undefined && body.id !== existing.id) return bad('id in the body does not match the path', 'id');
			const invalid = this.validatePatient(body, false);
			if (invalid) return invalid;
			const writable = Object.fromEntries(PATIENT_WRITABLE.map((k) => [k, body[k] ?? null]));
			const patient: Patient = { ...(writable as Patient), id: existing.id, createdDateTime: existing.createdDateTime, updatedDateTime: stamp() };
			this.state.patients.set(existing.id, patient);
			return json(200, patient);
		}, false));
		const ADDRESS_FIELDS = ['addressType', 'addressLine1', 'addressLine2', 'suburb', 'state', 'postcode', 'country'];
		r.add('GET', '/v1/patients/:id/addresses', this.guard((req) => {
			if (!this.state.patients.has(req.params.id)) return json(404, { status: 404, error: 'Not Found', message: 'Patient not found' });
			return paged(this.state.addresses.get(req.params.id) ?? [], req.query);
		}, false));
		r.add('POST', '/v1/patients/:id/addresses', this.guard((req) => {
			if (!this.state.patients.has(req.params.id)) return json(404, { status: 404, error: 'Not Found', message: 'Patient not found' });
			const body = (req.body ?? {}) as Record<string, unknown>;
			const unknown = unknownField(body, ADDRESS_FIELDS);
			if (unknown) return bad(`Unrecognized field "${unknown}"`, unknown);
			if (!['HOME', 'POSTAL', 'WORK'].includes(String(body.addressType))) return bad('addressType must be one of HOME, POSTAL, WORK', 'addressType');
			if (typeof body.addressLine1 !== 'string' || !body.addressLine1.trim()) return bad('addressLine1 is required', 'addressLine1');
			const address = { id: randomUUID(), patientId: req.params.id, ...body, createdDateTime: stamp() };
			this.state.addresses.set(req.params.id, [...(this.state.addresses.get(req.params.id) ?? []), address]);
			return json(201, address);
		}, false));
		r.add('POST', '/v1/patients/search', this.guard((req) => {
			const body = (req.body ?? {}) as Record<string, unknown>;
			const unknown = unknownField(body, ['practiceId', 'email', 'firstName', 'lastName', 'dob', 'mobilePhone', 'page', 'size']);
			if (unknown) return bad(`Unrecognized field "${unknown}"`, unknown);
			if (body.practiceId !== this.practiceId) return body.practiceId ? json(404, { status: 404, message: 'Practice not found' }) : bad('practiceId is required', 'practiceId');
			const criteria = ['email', 'firstName', 'lastName', 'dob', 'mobilePhone'].filter((k) => body[k] !== undefined && body[k] !== '');
			this.state.searches.push(Object.fromEntries(criteria.map((k) => [k, String(body[k])])));
			if (!criteria.length) return bad('At least one search criterion is required');
			if (body.dob !== undefined && !DATE_RE.test(String(body.dob))) return bad('dob must be a date in the format yyyy-MM-dd', 'dob');
			const eq = (a: unknown, b: unknown) => String(a ?? '').trim().toLowerCase() === String(b ?? '').trim().toLowerCase();
			const list = [...this.state.patients.values()]
				.filter((p) => p.defaultPracticeId === this.practiceId)
				.filter((p) => criteria.every((k) => eq(p[k], body[k])));
			return paged(list, { page: body.page ?? '0', size: body.size ?? '20' } as Record<string, unknown>);
		}, false));
		r.add('GET', '/code-system/appointment-Interval-Code', this.guard(() => json(200, INTERVAL_CODES.map(({ code, description }) => ({ code, description }))), false));

		// Control API for tests and the demo (not part of MediRecords).
		r.add('POST', '/__sandbox/reset', () => {
			this.reset();
			return json(200, { ok: true });
		});
		r.add('POST', '/__sandbox/faults', (req) => {
			const b = (req.body ?? {}) as { latencyMs?: number; faults?: Fault[] };
			if (typeof b.latencyMs === 'number') this.faults.latencyMs = b.latencyMs;
			for (const f of b.faults ?? []) this.inject(f);
			return json(200, { latencyMs: this.faults.latencyMs, queued: this.faults.queue.length });
		});
		// Reception's own bookings, moves and cancellations (the demo and tests; MediRecords' own screens do this).
		r.add('POST', '/__sandbox/reception/appointments', (req) => {
			const b = (req.body ?? {}) as Parameters<MediRecordsSandbox['receptionBook']>[0];
			if (!b.providerId || !isValidLocal(b.scheduleTime)) return json(400, { message: 'providerId and scheduleTime (yyyy-MM-ddTHH:mm, practice local) are required' });
			return json(201, this.receptionBook(b));
		});
		r.add('PATCH', '/__sandbox/reception/appointments/:id', (req) => {
			if (!this.state.appointments.has(req.params.id)) return json(404, { message: 'no such appointment' });
			const b = (req.body ?? {}) as { cancel?: boolean; updatedDateTime?: string } & Parameters<MediRecordsSandbox['receptionMove']>[1];
			return json(200, b.cancel ? this.receptionCancel(req.params.id, b.updatedDateTime) : this.receptionMove(req.params.id, b));
		});
		r.add('DELETE', '/__sandbox/reception/appointments/:id', (req) => (this.receptionDelete(req.params.id), json(200, { ok: true })));
		r.add('GET', '/__sandbox/state', () =>
			json(200, { patients: [...this.state.patients.values()], addresses: Object.fromEntries(this.state.addresses), appointments: [...this.state.appointments.values()], requestCount: this.state.requests.length }),
		);
		return r;
	}
}

export async function startMediRecordsSandbox(opts: MediRecordsSandboxOptions = {}): Promise<MediRecordsSandbox> {
	return new MediRecordsSandbox(opts).start();
}
