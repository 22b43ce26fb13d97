import { clientStateFor } from '../../lib/sources/graph';
import { APPOINTMENT_TYPES, PRACTITIONERS } from '../../sandbox/seed';
import { execFileSync } from 'child_process';
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, statSync, utimesSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import path from 'path';
import { composeN8nEnvironment, MACHINE_ADDITIONS, MACHINE_OVERRIDES, readCompose, redactSecrets } from '../../local/composeEnv';
import { packPackage, HARNESS, N8N_VERSION, NOTIFICATION_SECRET, OPS_KEY, ROOT } from '../../local/n8n';
import { startWorld, stopWorld, waitFor, runUpkeep, readable, type World } from './context';
import { appointmentFor, appointmentsFor, book, bookersSoFar, calendlyEvent, newPatient, nextSlot, patientsByEmail, searchesFor, type Booker } from './scenarios';

const MODE = (process.env.E2E_MODE as 'regular' | 'queue') ?? 'regular';
const REPORTS = path.join(HARNESS, '.run', 'reports');
let w: World;
beforeAll(async () => {
	// Queue mode as n8n scales webhook intake: main + one `n8n webhook` process (Graph calls it) + a worker.
	w = await startWorld(`e2e-${MODE}`, MODE, packPackage(), MODE === 'queue' ? { webhookProcesses: 1 } : {});
}, 600_000);
afterAll(async () => stopWorld(w));

const provider = (key: string) => PRACTITIONERS.find((p) => p.key === key)!.providerId;
const mailbox = (key: string) => PRACTITIONERS.find((p) => p.key === key)!.mailbox;
const type = (name: string) => APPOINTMENT_TYPES.find((t) => t.name === name)!.id;

describe(`booking processor in real n8n ${N8N_VERSION} (${MODE} mode)`, () => {
	(MODE === 'queue' ? test : test.skip)('main, the webhook process and the worker run with docker-compose.yml’s n8n environment; only where things are differs', () => {
		const compose = composeN8nEnvironment(readCompose(ROOT), w.n8n.dotEnv);
		const running = w.n8n.processEnvironments();
		expect(running).toHaveLength(3);
		for (const env of running) {
			for (const [k, v] of Object.entries(compose)) if (!(k in MACHINE_OVERRIDES)) expect({ [k]: env[k] }).toEqual({ [k]: v });
			const extra = Object.keys(env).filter((k) => !(k in compose) && !(MACHINE_ADDITIONS as readonly string[]).includes(k));
			expect(extra).toEqual([]);
		}
		// What ran, for the record (secrets as their length).
		mkdirSync(REPORTS, { recursive: true });
		writeFileSync(path.join(REPORTS, 'compose-env.json'), JSON.stringify({ compose: redactSecrets(compose), main: redactSecrets(running[0]) }, null, 2));
		// The package was loaded from outside the n8n folder, through the image's link, with installs from the editor off.
		expect(running[0].N8N_COMMUNITY_PACKAGES_ENABLED).toBe('false');
		expect(realpathSync(path.join(w.n8n.userFolder, '.n8n', 'nodes'))).toBe(realpathSync(w.n8n.imageNodesDir));
	});

	test('n8n boots with the package and every workflow published; upkeep subscribes all 8 mailboxes', async () => {
		await waitFor('subscriptions for 8 mailboxes', () => w.graph.subscriptions.size === 8, 120_000, 500);
		const report = await runUpkeep(w);
		expect(report).toMatchObject({ ok: true, unchanged: 8 });
	});

	test.each([
		['dr-dia', 'Alternative Medicine Follow-up', 'Alternative Medicine Follow-up'],
		['ramona', 'GAPS Coaching Follow-up', 'GAPS Coaching Follow-up'],
		['nurse', 'Weight Loss Follow-up', 'Weight Loss Follow-up'],
		['dr-dia', 'Weight Loss Follow-up', 'Weight Loss Follow-up'],
		['dr-shivani', 'Alternative Medicine Initial Consultation', 'Alternative Medicine Initial'],
		['consultant', 'Free Initial Consultation - GAPS Coaching', 'Free Initial Consultation'],
		['consultant', 'Free Initial Consultation - Weight Loss', 'Free Initial Consultation'],
		['ramona', 'GAPS Coaching Initial', 'GAPS Coaching Initial'],
		['dr-shivani', 'Weight Loss Follow-up', 'Weight Loss Follow-up'],
		['nurse', 'Alternative Medicine Follow-up', 'Alternative Medicine Follow-up'],
	])('%s: Calendly’s default title, Event Name "%s" → one appointment, right calendar, type, time and new patient', async (who, subject, typeName) => {
		const p = newPatient('svc');
		const when = nextSlot(30);
		const { appt } = await book(w, mailbox(who), subject, p, when);
		expect(appt).toMatchObject({ providerId: provider(who), appointmentTypeId: type(typeName), appointmentStatus: 2, reminderMethod: 'SMS' });
		// Practice-local (Sydney, UTC+11 in January) wall-clock time.
		const local = new Date(Date.parse(`${when.start.slice(0, 19)}Z`) + 11 * 3_600_000).toISOString().slice(0, 16);
		expect(appt.scheduleTime).toBe(local);
		const [patient] = patientsByEmail(w, p.email);
		expect(patient).toMatchObject({ firstName: 'Ana', lastName: p.last, dob: '1988-04-12', mobilePhone: '+61400111222' });
		expect(appt.patientId).toBe(patient.id);
	});

	test('an existing patient booking again with another phone: same patient, phone kept, staff asked to review', async () => {
		const p = newPatient('existing');
		await book(w, mailbox('ramona'), 'GAPS Coaching Follow-up', p);
		const before = w.alerts.alerts.length;
		const { appt } = await book(w, mailbox('ramona'), 'GAPS Coaching Follow-up', { ...p, phone: '0400 999 888' });
		const patients = patientsByEmail(w, p.email);
		expect(patients).toHaveLength(1);
		expect(patients[0].mobilePhone).toBe('+61400111222');
		expect(appt.patientId).toBe(patients[0].id);
		const review = await waitFor('review notice', () => w.alerts.alerts.slice(before).find((a) => a.kind === 'patient_review'), 60_000);
		expect(review).toMatchObject({ reasons: ['differing_details'], fields: ['mobilePhone'], service: 'gaps-coaching', workflow: 'Booking Processor' });
		expect(JSON.stringify(review)).not.toContain(patients[0].id);
		expect(readable(review)).not.toMatch(new RegExp(`${p.last}|${p.email}|0400|\\+614|1988`));
	});

	test('a Calendly booking with an existing patient’s email and another name: booked for a new patient, the existing one untouched, review notice', async () => {
		const victim = newPatient('victim');
		await book(w, mailbox('dr-dia'), 'Alternative Medicine Follow-up', victim);
		const [existing] = patientsByEmail(w, victim.email);
		const snapshot = { ...existing };
		const before = w.alerts.alerts.length;
		const { appt } = await book(w, mailbox('dr-dia'), 'Alternative Medicine Follow-up', { first: 'Mallory', last: 'Intruder', email: victim.email, phone: '0499 000 111' });
		expect(appt.patientId).not.toBe(existing.id);
		expect(w.mr.state.patients.get(existing.id)).toEqual(snapshot);
		expect(w.mr.state.patients.get(appt.patientId)).toMatchObject({ firstName: 'Mallory', lastName: 'Intruder', mobilePhone: '+61499000111' });
		const review = await waitFor('review notice', () => w.alerts.alerts.slice(before).find((a) => a.kind === 'patient_review'), 60_000);
		expect(review).toMatchObject({ reasons: ['possible_duplicate'], possibleDuplicates: 1 });
		expect(readable(review)).not.toMatch(/Mallory|Intruder|0499|@example/);
	});

	test('the booking’s own answers reach the practitioner in the appointment notes, beside the reference', async () => {
		const p = newPatient('notes');
		const ev = calendlyEvent(mailbox('ramona'), 'GAPS Coaching Follow-up', p);
		ev.body = { contentType: 'html', content: `${ev.body!.content}<p>Please share anything that will help prepare for our meeting.<br>Bloating after meals; ${'x'.repeat(600)}</p>` };
		const created = w.graph.createEvent(mailbox('ramona'), ev);
		const appt = await waitFor('appointment', () => appointmentFor(w, created.id), 60_000);
		expect(appt.notes).toMatch(/^Booked via Calendly: GAPS Coaching follow-up\. Please share anything that will help prepare for our meeting: Bloating after meals/);
		expect(Array.from(String(appt.notes)).length).toBeLessThanOrEqual(500);
		expect(appt.notes).toMatch(/\[ref:[0-9a-f]{20}\]$/);
	});

	test('an 80,000-character attendee and body: a clear reason to ops, no patient, n8n stays ready', async () => {
		const before = w.alerts.alerts.length;
		const huge = calendlyEvent(mailbox('ramona'), 'GAPS Coaching Follow-up', { first: 'x'.repeat(40_000), last: '<'.repeat(40_000), email: `${'a.'.repeat(40_000)}@example.com` });
		// Calendly's own lines after 80,000 characters of junk: still a booking, so the name is what stops it.
		huge.body = { contentType: 'html', content: `${'<'.repeat(40_000)}${'Q:'.repeat(20_000)}${huge.body!.content}` };
		const patientsBefore = w.mr.state.patients.size;
		const ev = w.graph.createEvent(mailbox('ramona'), huge);
		const alert = await waitFor('ops alert', () => w.alerts.alerts.slice(before).find((a) => String(a.error).includes('patient_name_unreadable')), 60_000);
		expect(String(alert.error)).toMatch(/name holds characters a name does not/);
		expect((await fetch(`${w.n8n.url}/healthz/readiness`)).status).toBe(200);
		expect(appointmentFor(w, ev.id)).toBeUndefined();
		expect(w.mr.state.patients.size).toBe(patientsBefore);
	});

	test('a free consultation for a service still on the waitlist (Counseling) is booked as one; ops get a follow-up notice without patient data', async () => {
		const p = newPatient('wait');
		const before = w.alerts.alerts.length;
		const { appt } = await book(w, mailbox('consultant'), 'Free Initial Consultation - Counseling', p);
		expect(appt).toMatchObject({ providerId: provider('consultant'), appointmentTypeId: type('Free Initial Consultation') });
		expect(String(appt.notes)).toMatch(/^Booked via Calendly: Counseling free initial consultation/);
		const notice = await waitFor('follow-up notice', () => w.alerts.alerts.slice(before).find((a) => a.kind === 'booking_follow_up' && a.appointmentId === appt.id), 60_000);
		expect(notice).toMatchObject({ reasons: ['service_not_open'], service: 'counseling', bookingKind: 'freeConsultation', practitioner: 'consultant', workflow: 'Booking Processor' });
		expect(String(notice.detail)).toMatch(/Counseling is still on the waitlist/);
		expect(readable(notice)).not.toMatch(new RegExp(`${p.last}|${p.email}|0400|1988`));
		expect(w.alerts.alerts.slice(before).filter((a) => a.kind === 'workflow_error')).toEqual([]);
	});

	test('private entries in the calendars of practitioners with two services are ignored: no alert, no MediRecords call', async () => {
		const before = w.alerts.alerts.length;
		const patientsBefore = w.mr.state.patients.size;
		const sentinels: string[] = [];
		const bookers: Booker[] = [];
		const owners: Booker[] = [];
		for (const [who, subject] of [['dr-dia', 'Alternative Medicine Follow-up'], ['consultant', 'Free Initial Consultation - GAPS Coaching']]) {
			const m = mailbox(who);
			const own = (title: string, attendees: unknown[]) => {
				const owner = newPatient('own');
				owners.push(owner);
				return { ...calendlyEvent(m, title, owner), attendees, body: { contentType: 'html', content: '<p>Bring the referral letter</p>' } } as ReturnType<typeof calendlyEvent>;
			};
			const sentinel = newPatient('sentinel');
			bookers.push(sentinel);
			// One notification POST: the private entries and, last, a real booking. When the booking's
			// appointment exists, the same execution has routed the entries before it.
			const imported = await w.graph.importEvents(m, [
				own('Dentist', []),
				own('Team meeting', [{ type: 'required', emailAddress: { name: 'Ramona', address: mailbox('ramona') } }]),
				calendlyEvent(m, subject, sentinel),
			]);
			sentinels.push(imported.events[2].id);
		}
		for (const id of sentinels) await waitFor('the real booking', () => appointmentFor(w, id), 60_000);
		// Two new patients: one search by email and one by name and date of birth each; nothing for the entries.
		expect(searchesFor(w, ...bookers)).toBe(4);
		expect(searchesFor(w, ...owners, { email: mailbox('ramona'), last: 'Ramona' })).toBe(0);
		expect(w.mr.state.patients.size - patientsBefore).toBe(2);
		expect(w.alerts.alerts.slice(before)).toEqual([]);
	});

	test('a booking on Saturday 4 April 2026 at 16:00 Sydney time (the day before daylight saving ends) lands at 16:00 practice time', async () => {
		const p = newPatient('dst');
		// Calendly writes the event in the host's zone; Graph answers in UTC (05:00Z: Sydney is still +11).
		const ev = w.graph.createEvent(mailbox('ramona'), {
			...calendlyEvent(mailbox('ramona'), 'GAPS Coaching Follow-up', p),
			start: { dateTime: '2026-04-04T16:00:00.0000000', timeZone: 'Australia/Sydney' },
			end: { dateTime: '2026-04-04T16:45:00.0000000', timeZone: 'Australia/Sydney' },
		});
		const appt = await waitFor('the appointment', () => appointmentFor(w, ev.id), 60_000);
		expect(appt.scheduleTime).toBe('2026-04-04T16:00');
		expect(String(appt.notes)).toMatch(/^Booked via Calendly: GAPS Coaching follow-up/);
	});

	test('reschedule in Outlook moves the same appointment; deleting the event cancels it', async () => {
		const p = newPatient('move');
		const { ev, appt } = await book(w, mailbox('dr-shivani'), 'Alternative Medicine Follow-up', p);
		const later = nextSlot(60);
		w.graph.updateEvent(mailbox('dr-shivani'), ev.id, { start: { dateTime: later.start, timeZone: 'UTC' }, end: { dateTime: later.end, timeZone: 'UTC' } });
		const local = new Date(Date.parse(`${later.start.slice(0, 19)}Z`) + 11 * 3_600_000).toISOString().slice(0, 16);
		await waitFor('rescheduled appointment', () => w.mr.state.appointments.get(appt.id)?.scheduleTime === local, 60_000, 50);
		expect(appointmentsFor(w, ev.id)).toHaveLength(1);
		w.graph.deleteEvent(mailbox('dr-shivani'), ev.id);
		await waitFor('cancelled appointment', () => w.mr.state.appointments.get(appt.id)?.appointmentStatus === 8, 60_000, 50);
		expect(w.mr.state.appointments.get(appt.id)?.cancellationReason).toBe('Cancelled in Outlook/Calendly');
	});

	test('duplicate and out-of-order notifications still give one appointment', async () => {
		const p = newPatient('dup');
		w.graph.notify = false;
		const ev = w.graph.createEvent(mailbox('nurse'), calendlyEvent(mailbox('nurse'), 'Alternative Medicine Follow-up', p));
		w.graph.updateEvent(mailbox('nurse'), ev.id, { subject: 'Alternative Medicine Follow-up' });
		w.graph.notify = true;
		const sub = w.graph.subscriptionsFor(mailbox('nurse'))[0];
		const updated = w.graph.notificationFor(sub, ev.id, 'updated');
		const created = w.graph.notificationFor(sub, ev.id, 'created');
		await Promise.all([
			w.graph.deliver(sub.notificationUrl, { value: [updated, created, updated] }),
			...Array.from({ length: 9 }, () => w.graph.deliver(sub.notificationUrl, { value: [created] })),
		]);
		await waitFor('appointment', () => appointmentFor(w, ev.id), 60_000);
		await new Promise((r) => setTimeout(r, 3000));
		expect(appointmentsFor(w, ev.id)).toHaveLength(1);
		expect(w.graph.deliveries.filter((d) => d.url === sub.notificationUrl).slice(-10).every((d) => d.status === 202)).toBe(true);
	});

	test('a spoofed notification (wrong clientState) is refused with no execution and no Graph call', async () => {
		const sub = w.graph.subscriptionsFor(mailbox('dr-dia'))[0];
		expect(sub.clientState).toBe(clientStateFor(NOTIFICATION_SECRET, 'graph-calendar'));
		const forgedReads = () => w.graph.calls.filter((c) => c.path.includes('AAMk-forged')).length;
		const d = await w.graph.deliver(sub.notificationUrl, { value: [w.graph.notificationFor(sub, 'AAMk-forged', 'created', 'forged')] });
		expect(d.status).toBe(403);
		await new Promise((r) => setTimeout(r, 500));
		expect(forgedReads()).toBe(0);
	});

	test('MediRecords answering 500 for a while: the booking completes on retry, once', async () => {
		const p = newPatient('outage');
		w.mr.inject({ match: 'POST /v1/practices/.*/appointments$', status: 500, times: 7 });
		const { ev, appt } = await book(w, mailbox('dr-dia'), 'Alternative Medicine Follow-up', p);
		expect(appt).toBeTruthy();
		expect(appointmentsFor(w, ev.id)).toHaveLength(1);
		expect(w.mr.faults.queue).toHaveLength(0);
	});

	/** Polls n8n's readiness while `work` runs; returns how often it was not ready. */
	async function readinessDuring<T>(work: () => Promise<T>): Promise<{ result: T; checks: number; notReady: number }> {
		let checks = 0;
		let notReady = 0;
		let done = false;
		const poll = (async () => {
			while (!done) {
				checks++;
				if (!(await w.n8n.ready())) notReady++;
				await new Promise((r) => setTimeout(r, 250));
			}
		})();
		try {
			return { result: await work(), checks, notReady };
		} finally {
			done = true;
			await poll;
		}
	}

	test('100 notification POSTs at once across 4 calendars: every one answered 202, n8n ready throughout, every booking made once', async () => {
		const who = ['dr-dia', 'dr-shivani', 'nurse', 'ramona'];
		const subjects: Record<string, string> = { ramona: 'GAPS Coaching Follow-up' };
		const before = w.graph.deliveries.length;
		const run = await readinessDuring(async () => {
			const events = Array.from({ length: 100 }, (_, i) => {
				const m = mailbox(who[i % who.length]);
				return w.graph.createEvent(m, calendlyEvent(m, subjects[who[i % who.length]] ?? 'Alternative Medicine Follow-up', newPatient('burst')));
			});
			await w.graph.settle();
			await waitFor('100 appointments', () => events.every((e) => appointmentFor(w, e.id)), 300_000, 500);
			return events;
		});
		const answered = w.graph.deliveries.slice(before);
		expect(answered.map((d) => d.status)).toEqual(Array(100).fill(202));
		const acks = answered.map((d) => d.ms).sort((a, b) => a - b);
		process.stdout.write(`100 notification POSTs at once (${MODE} mode): acknowledgement median ${acks[50]} ms, slowest ${acks[99]} ms; readiness ${run.checks - run.notReady}/${run.checks}\n`);
		expect(run.notReady).toBe(0);
		for (const e of run.result) expect(appointmentsFor(w, e.id)).toHaveLength(1);
	});

	test('a calendar import: 1,000 events in one notification POST → answered 202, n8n ready throughout, every event booked once', async () => {
		const m = mailbox('dr-shivani');
		const run = await readinessDuring(async () => {
			const imported = await w.graph.importEvents(m, Array.from({ length: 1000 }, () => calendlyEvent(m, 'Alternative Medicine Follow-up', newPatient('import'))));
			await waitFor('1,000 appointments', () => imported.events.every((e) => appointmentFor(w, e.id)), 900_000, 1000);
			return imported;
		});
		expect(run.result.deliveries.map((d) => d.status)).toEqual([202]);
		process.stdout.write(`1,000 events in one POST (${MODE} mode): acknowledged in ${run.result.deliveries[0].ms} ms; readiness ${run.checks - run.notReady}/${run.checks}\n`);
		expect(run.notReady).toBe(0);
		const byMarker = new Map<string, number>();
		for (const a of w.mr.state.appointments.values()) {
			const marker = /\[ref:[^\]]+\]/.exec(String(a.notes ?? ''))?.[0];
			if (marker) byMarker.set(marker, (byMarker.get(marker) ?? 0) + 1);
		}
		for (const e of run.result.events) expect(appointmentsFor(w, e.id)).toHaveLength(1);
		expect([...byMarker.values()].every((n) => n === 1)).toBe(true);
	});

	(MODE === 'queue' ? test : test.skip)('a webhook process in front: it answers Graph’s handshake; one notification delivered to it and to main books once', async () => {
		const sub = w.graph.subscriptionsFor(mailbox('dr-dia'))[0];
		// Graph created the subscription only after the webhook process answered its validation handshake.
		expect(sub.notificationUrl.startsWith(`${w.n8n.webhookUrls[0]}/webhook/`)).toBe(true);
		const p = newPatient('twice');
		w.graph.notify = false;
		const ev = w.graph.createEvent(mailbox('dr-dia'), calendlyEvent(mailbox('dr-dia'), 'Alternative Medicine Follow-up', p));
		w.graph.notify = true;
		const body = { value: [w.graph.notificationFor(sub, ev.id, 'created')] };
		const viaMain = sub.notificationUrl.replace(w.n8n.webhookUrls[0], w.n8n.url);
		const answers = await Promise.all([w.graph.deliver(sub.notificationUrl, body), w.graph.deliver(viaMain, body), w.graph.deliver(sub.notificationUrl, body), w.graph.deliver(viaMain, body)]);
		expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202]);
		await waitFor('the appointment', () => appointmentFor(w, ev.id), 60_000);
		// Give any second execution time to finish before counting.
		await new Promise((r) => setTimeout(r, 4000));
		expect(appointmentsFor(w, ev.id)).toHaveLength(1);
		expect(patientsByEmail(w, p.email)).toHaveLength(1);
		// Only one execution reached MediRecords (a new patient: one search by email, one by name and
		// date of birth); the other process's execution was dropped at Route Booking.
		expect(searchesFor(w, p)).toBe(2);
	});

	(MODE === 'queue' ? test : test.skip)('the nightly backup dumps n8n’s database as n8n’s own role, readable by its owner only, and drops dumps past the retention', () => {
		const dir = mkdtempSync(path.join(tmpdir(), 'n8n-backups-'));
		const old = path.join(dir, 'n8n-20260101-023000.dump');
		writeFileSync(old, 'an old dump');
		const twentyDaysAgo = (Date.now() - 20 * 86_400_000) / 1000;
		utimesSync(old, twentyDaysAgo, twentyDaysAgo);
		const env = w.n8n.dotEnv;
		const out = execFileSync('sh', [path.join(ROOT, 'deploy', 'backup.sh')], {
			env: { ...process.env, PGHOST: '127.0.0.1', PGUSER: env.N8N_DB_USER, PGPASSWORD: env.N8N_DB_PASSWORD, PGDATABASE: env.POSTGRES_DB, BACKUP_DIR: dir, BACKUP_KEEP_DAYS: env.BACKUP_KEEP_DAYS, BACKUP_ONCE: '1' },
			encoding: 'utf8',
		});
		const dumps = readdirSync(dir);
		expect(dumps).toHaveLength(1);
		expect(dumps[0]).toMatch(/^n8n-\d{8}-\d{6}\.dump$/);
		expect(out).toContain(`removed ${old}`);
		expect(statSync(path.join(dir, dumps[0])).mode & 0o777).toBe(0o600);
		const contents = execFileSync('pg_restore', ['--list', path.join(dir, dumps[0])], { encoding: 'utf8' });
		for (const table of ['workflow_entity', 'credentials_entity', 'execution_entity']) expect(contents).toMatch(new RegExp(`TABLE DATA public ${table} `));
	});

	test('upkeep after Graph silently dropped a subscription recreates it', async () => {
		const sub = w.graph.subscriptionsFor(mailbox('equine'))[0];
		w.graph.dropSilently(sub.id);
		const report = await runUpkeep(w);
		expect(report).toMatchObject({ ok: true });
		const restored = [...(report.recreated as Array<{ mailbox: string }>), ...(report.created as Array<{ mailbox: string }>)].map((r) => r.mailbox);
		expect(restored).toEqual([mailbox('equine')]);
		// The label comes from the upkeep node's workflow static data; queue-mode workers do not keep it between runs.
		if (MODE === 'regular') expect((report.recreated as Array<{ mailbox: string }>).map((r) => r.mailbox)).toEqual([mailbox('equine')]);
		expect(w.graph.subscriptionsFor(mailbox('equine'))).toHaveLength(1);
	});

	test('each booking execution says in the executions list what it was: service, practitioner, kind, outcome, appointment id; no patient data', async () => {
		const p = newPatient('label');
		const { appt } = await book(w, mailbox('ramona'), 'GAPS Coaching Follow-up', p);
		if (MODE === 'queue') {
			// docker-compose.yml keeps no successful execution (they hold patient details): once the
			// booking's execution has finished, nothing of it is listed, and the pruner removes its data
			// within EXECUTIONS_DATA_PRUNE_HARD_DELETE_INTERVAL. Failed ones are kept, labelled.
			// Executions still running (a sweep re-reading an earlier test's booking, say) are listed until they end.
			await waitFor('no successful booking execution listed', () => {
				const kept = w.n8n.executionCustomData('BookingProcWf001').filter((e) => e.status === 'success');
				if (kept.length) throw new Error(`${kept.length} listed as successful`);
				return true;
			}, 60_000, 500);
			await waitFor('successful booking executions gone from the database', () => w.n8n.executionCustomData('BookingProcWf001', { includeDeleted: true }).every((e) => e.status !== 'success'), 180_000, 2000);
			return;
		}
		const labelled = await waitFor('the execution label', () => w.n8n.executionCustomData('BookingProcWf001').find((e) => e.data.appointmentId === appt.id), 30_000, 500);
		expect(labelled.data).toEqual({ service: 'gaps-coaching', practitioner: 'ramona', kind: 'followUp', outcome: 'booked', appointmentId: appt.id, patient: 'created' });
		expect(JSON.stringify(labelled.data)).not.toMatch(new RegExp(`${p.last}|${p.email}|0400|1988`, 'i'));
	});

	// Catalog edits through the editor's REST API, the website and upkeep: regular mode (n8n's own publish path is the same in both).
	(MODE === 'regular' ? test : test.skip)('a new practitioner: until their mailbox exists, upkeep answers 502 with its report, ops are told and the website does not list them; then subscribed and listed', async () => {
		const newcomer = 'dr.new@clinic.example';
		const listed = async () => {
			const res = await fetch(`${w.n8n.url}/webhook/service-calendars?service=weight-loss`, { signal: AbortSignal.timeout(20_000) });
			expect(res.status).toBe(200);
			return ((await res.json()) as { practitioners: Array<{ key: string }> }).practitioners.map((x) => x.key);
		};
		const upkeepNow = async () => {
			const res = await fetch(`${w.n8n.url}/webhook/graph-upkeep`, { method: 'POST', headers: { 'X-Ops-Key': OPS_KEY, 'content-type': 'application/json' }, body: '{}', signal: AbortSignal.timeout(120_000) });
			return { status: res.status, report: (await res.json()) as Record<string, unknown> & { calendars?: Array<{ mailbox: string; watchedUntil: string }>; failed?: Array<Record<string, unknown>> } };
		};
		// As ops do it: a Clinic Catalog Entry step put on the line after the last practitioner.
		await w.n8n.editAndPublish('CatalogWf0000001', (wf) => {
			const step = { id: 'dd000000-0000-4000-8000-000000000001', name: 'Dr New', type: 'n8n-nodes-medirecords-booking.catalogEntry', typeVersion: 1, position: [1800, 420], parameters: { operation: 'practitioner', key: 'dr-new', name: 'Dr New', mailbox: newcomer, providerId: provider('nurse'), services: 'weight-loss', calendlyLinks: 'Weight Loss Follow-up | https://calendly.com/wholehealth-dr-new/weight-loss | weight-loss' } };
			wf.nodes.push(step as unknown as (typeof wf.nodes)[number]);
			const connections = wf.connections as Record<string, { main: Array<Array<{ node: string; type: string; index: number }>> }>;
			connections['Dr New'] = { main: [[...connections['Equine Therapist'].main[0]]] };
			connections['Equine Therapist'] = { main: [[{ node: 'Dr New', type: 'main', index: 0 }]] };
		});
		try {
			const before = w.alerts.alerts.length;
			// Once the published catalog is in use, upkeep tries to subscribe the new mailbox, which Exchange does not have yet.
			const failing = await waitFor('upkeep to see the new practitioner', async () => {
				const r = await upkeepNow();
				return r.report.calendars?.some((c) => c.mailbox === newcomer) && r;
			}, 90_000, 2000);
			expect(failing.status).toBe(502);
			expect(failing.report).toMatchObject({ ok: false, failed: [expect.objectContaining({ mailbox: newcomer, action: 'create', status: 404 })] });
			const alert = await waitFor('the upkeep alert', () => w.alerts.alerts.slice(before).find((a) => a.workflow === 'Subscription Upkeep'), 60_000);
			expect(String(alert.error)).toMatch(/dr\.new@clinic\.example create: .*not listed on the website until upkeep subscribes them/);
			expect(await listed()).toEqual(['dr-dia', 'dr-shivani', 'nurse']);
			// The mailbox is created in Exchange; the next upkeep subscribes it and the website lists the practitioner.
			w.graph.addMailbox(newcomer);
			const ok = await upkeepNow();
			expect(ok.status).toBe(200);
			expect(ok.report).toMatchObject({ ok: true, created: [expect.objectContaining({ mailbox: newcomer })] });
			await waitFor('the new practitioner listed', async () => (await listed()).includes('dr-new'), 30_000, 500);
		} finally {
			await w.n8n.editAndPublish('CatalogWf0000001', (wf) => {
				const connections = wf.connections as Record<string, unknown>;
				connections['Equine Therapist'] = connections['Dr New'];
				delete connections['Dr New'];
				wf.nodes = wf.nodes.filter((n) => n.name !== 'Dr New');
			});
		}
		await waitFor('the practitioner gone from the listing', async () => !(await listed()).includes('dr-new'), 90_000, 1000);
		// Removed from the catalog: the next upkeep deletes the subscription.
		const removed = await runUpkeep(w);
		expect((removed.deleted as Array<{ mailbox: string }>).map((d) => d.mailbox)).toEqual([newcomer]);
		expect(w.graph.subscriptionsFor(newcomer)).toHaveLength(0);
	});

	(MODE === 'regular' ? test : test.skip)('a typo in one practitioner’s mailbox, published from the editor: ops are told at once naming the entry; only that practitioner is out, everything else books; fixed, they are back', async () => {
		const nurse = mailbox('nurse');
		const before = w.alerts.alerts.length;
		const listed = async () => {
			const res = await fetch(`${w.n8n.url}/webhook/service-calendars?service=weight-loss`, { headers: { origin: 'https://www.wholehealthclinic.example' }, signal: AbortSignal.timeout(20_000) });
			expect(res.status).toBe(200);
			return ((await res.json()) as { practitioners: Array<{ key: string }> }).practitioners.map((x) => x.key);
		};
		const setNurseMailbox = (value: string) =>
			w.n8n.editAndPublish('CatalogWf0000001', (wf) => {
				wf.nodes.find((n) => n.name === 'Nurse Practitioner')!.parameters.mailbox = value;
			});
		await setNurseMailbox(nurse.replace('@', ''));
		try {
			// Published → checked at once → one alert through Error Alert, whose destination is not the catalog's.
			const alert = await waitFor('the catalog alert', () => w.alerts.alerts.slice(before).find((a) => a.kind === 'workflow_error' && a.workflow === 'Service Catalog'), 60_000);
			expect(String(alert.error)).toMatch(/^The Service Catalog has 1 entry to fix; everything else keeps booking\. practitioners\[nurse\] \(step "Nurse Practitioner"\) \(out of service\): mailbox must be an email address/);
			// Within the catalog reuse period, every workflow uses the new catalog: the website stops listing the nurse.
			await waitFor('the nurse left out of the website listing', async () => !(await listed()).includes('nurse'), 90_000, 1000);
			expect(await listed()).toEqual(['dr-dia', 'dr-shivani']);
			// Every other practitioner keeps booking.
			const other = newPatient('typo');
			const { appt } = await book(w, mailbox('dr-shivani'), 'Weight Loss Follow-up', other);
			expect(appt.providerId).toBe(provider('dr-shivani'));
			// A booking in the nurse's calendar is not lost silently: ops are told, naming the entry to fix.
			const lostAt = w.alerts.alerts.length;
			const ev = w.graph.createEvent(nurse, calendlyEvent(nurse, 'Weight Loss Follow-up', newPatient('nurse')));
			const lost = await waitFor('the unrouted booking alert', () => w.alerts.alerts.slice(lostAt).find((a) => a.kind === 'workflow_error' && a.workflow === 'Booking Processor'), 60_000);
			expect(String(lost.error)).toMatch(/unknown_practitioner.*practitioners\[nurse\]/);
			expect(appointmentFor(w, ev.id)).toBeUndefined();
			// Upkeep keeps the nurse's subscription while her entry is out, so nothing is missed once it is fixed.
			const report = await runUpkeep(w);
			expect(report).toMatchObject({ ok: true, deleted: [], catalogProblems: [expect.objectContaining({ entry: 'practitioners[nurse]', outOfService: true })] });
			expect((report.held as Array<{ mailbox: string }>).map((h) => h.mailbox)).toEqual([nurse]);
			expect(w.graph.subscriptionsFor(nurse)).toHaveLength(1);
		} finally {
			await setNurseMailbox(nurse);
		}
		await waitFor('the nurse listed again', async () => (await listed()).includes('nurse'), 90_000, 1000);
		const again = await book(w, nurse, 'Weight Loss Follow-up', newPatient('fixed'));
		expect(again.appt.providerId).toBe(provider('nurse'));
	});
});

/**
 * What Calendly and Outlook really send (sandbox/calendly.ts and sandbox/graph.ts, each shape from the products'
 * documentation), through the shipped workflows unchanged.
 */
describe(`the products' dialect in real n8n ${N8N_VERSION} (${MODE} mode)`, () => {
	const consultation = (p: ReturnType<typeof newPatient>, answer?: string) =>
		calendlyEvent(mailbox('consultant'), 'Free Initial Consultation', p, nextSlot(30), {
			answers: [['Phone Number', p.phone ?? ''], ['Date of Birth', p.dob ?? ''], ...(answer ? [['Which service are you interested in?', answer] as [string, string]] : [])],
		});

	test('free consultations on the Consultant’s one event type book, the service from the patient’s answer', async () => {
		const before = w.alerts.alerts.length;
		for (const [answer, serviceName] of [['Weight Loss', 'Weight Loss'], ['GAPS Coaching', 'GAPS Coaching']]) {
			const ev = w.graph.createEvent(mailbox('consultant'), consultation(newPatient('free'), answer));
			const appt = await waitFor('the free consultation', () => appointmentFor(w, ev.id), 60_000);
			expect(appt).toMatchObject({ providerId: provider('consultant'), appointmentTypeId: type('Free Initial Consultation') });
			expect(String(appt.notes)).toMatch(new RegExp(`^Booked via Calendly: ${serviceName} free initial consultation`));
		}
		expect(w.alerts.alerts.slice(before)).toEqual([]);
	});

	test('a practitioner’s own entries (a private dinner with her spouse, a weekly supervision series, an all-day open day) are not bookings: no patient, no alert, no MediRecords call', async () => {
		const before = w.alerts.alerts.length;
		const patientsBefore = w.mr.state.patients.size;
		const sentinel = newPatient('sentinel');
		const guest = (name: string, address: string) => ({ type: 'required', emailAddress: { name, address } });
		const at = nextSlot(60);
		const own = { start: { dateTime: at.start, timeZone: 'UTC' }, end: { dateTime: at.end, timeZone: 'UTC' }, body: { contentType: 'html', content: '<html><body><div>See you there</div></body></html>' } };
		const day = at.start.slice(0, 10);
		const nextDay = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
		const m = mailbox('dr-dia');
		const imported = await w.graph.importEvents(m, [
			{ ...own, subject: 'Dinner', sensitivity: 'private', attendees: [guest('Sam Spouse', 'sam@home.example')] },
			{ ...own, subject: 'Counseling supervision', attendees: [guest('Jo Supervisor', 'jo@supervision.example')], recurrence: { pattern: { type: 'weekly', interval: 1, daysOfWeek: ['monday'] }, range: { type: 'numbered', startDate: at.start.slice(0, 10), numberOfOccurrences: 10 } } },
			{ ...own, subject: 'Open day', isAllDay: true, start: { dateTime: `${day}T00:00:00.0000000`, timeZone: 'UTC' }, end: { dateTime: `${nextDay}T00:00:00.0000000`, timeZone: 'UTC' }, attendees: [guest('Val Volunteer', 'val@volunteers.example')] },
			calendlyEvent(m, 'Alternative Medicine Follow-up', sentinel),
		]);
		expect(imported.events[1].type).toBe('seriesMaster');
		await waitFor('the real booking after them', () => appointmentFor(w, imported.events[3].id), 60_000);
		// One new patient (the sentinel): one search by email and one by name and date of birth; nothing for the entries.
		expect(searchesFor(w, sentinel)).toBe(2);
		const guests = [['sam@home.example', 'Spouse'], ['jo@supervision.example', 'Supervisor'], ['val@volunteers.example', 'Volunteer']].map(([email, last]) => ({ email, last }));
		expect(searchesFor(w, ...guests)).toBe(0);
		expect(w.mr.state.patients.size - patientsBefore).toBe(1);
		expect(w.alerts.alerts.slice(before)).toEqual([]);
	});

	test('phones: the reception number in the event type’s description is never the patient’s; a landline goes to the home phone and reminders go by email', async () => {
		const p = { ...newPatient('landline'), phone: '(02) 9876 5432' };
		const { appt } = await book(w, mailbox('ramona'), 'GAPS Coaching Follow-up', p, nextSlot(45), {
			eventTypeDescription: 'Questions before your visit? Phone: 02 9000 0000',
			answers: [['Phone Number', p.phone], ['Date of Birth', p.dob ?? '']],
		});
		const [patient] = patientsByEmail(w, p.email);
		expect(patient).toMatchObject({ homePhone: '+61298765432' });
		expect(patient.mobilePhone ?? '').toBe('');
		expect(appt).toMatchObject({ patientId: patient.id, reminderMethod: 'EMAIL' });
		const other = newPatient('reception');
		await book(w, mailbox('ramona'), 'GAPS Coaching Follow-up', other, nextSlot(45), { eventTypeDescription: 'Phone: 02 9000 0000', answers: [['Date of Birth', other.dob ?? '']] });
		const [second] = patientsByEmail(w, other.email);
		expect([second.mobilePhone ?? '', second.homePhone ?? '']).toEqual(['', '']);
	});

	test('a mistyped mobile is not written; the booking is placed and ops are asked for the number, without it', async () => {
		const p = { ...newPatient('typo'), phone: '0412 345 67a' };
		const before = w.alerts.alerts.length;
		const { appt } = await book(w, mailbox('ramona'), 'GAPS Coaching Follow-up', p, nextSlot(45));
		const [patient] = patientsByEmail(w, p.email);
		expect(patient.mobilePhone ?? '').toBe('');
		expect(appt.reminderMethod).toBe('EMAIL');
		const notice = await waitFor('follow-up notice', () => w.alerts.alerts.slice(before).find((a) => a.kind === 'booking_follow_up' && a.appointmentId === appt.id), 60_000);
		expect(notice).toMatchObject({ reasons: ['phone_unreadable'], service: 'gaps-coaching', practitioner: 'ramona' });
		expect(readable(notice)).not.toMatch(new RegExp(`${p.last}|${p.email}|0412|345|67a|1988`));
	});

	test('Graph names users by object id: a Calendly reschedule (the old entry deleted, a new one written) leaves one active appointment at the new time; a cancellation cancels', async () => {
		const m = mailbox('dr-dia');
		const p = newPatient('resched');
		const first = await book(w, m, 'Weight Loss Follow-up', p);
		const sub = w.graph.subscriptionsFor(m)[0];
		expect(String(w.graph.notificationFor(sub, first.ev.id, 'created').resource)).toMatch(new RegExp(`^Users/${w.graph.userId(m)}/Events/`));
		// Calendly's reschedule: the original is cancelled (removed from the host's calendar), a new one booked.
		w.graph.deleteEvent(m, first.ev.id);
		const moved = await book(w, m, 'Weight Loss Follow-up', p, nextSlot(30));
		await waitFor('the original cancelled', () => w.mr.state.appointments.get(first.appt.id)?.appointmentStatus === 8, 60_000, 50);
		const active = [...w.mr.state.appointments.values()].filter((a) => a.patientId === moved.appt.patientId && a.appointmentStatus !== 8);
		expect(active.map((a) => a.id)).toEqual([moved.appt.id]);
		expect(moved.appt.patientId).toBe(first.appt.patientId);
		// Then the patient cancels in Calendly.
		w.graph.deleteEvent(m, moved.ev.id);
		await waitFor('the rescheduled one cancelled', () => w.mr.state.appointments.get(moved.appt.id)?.appointmentStatus === 8, 60_000, 50);
	});

	test('lifecycle notifications as Graph sends them (subscription id only) for the subscriptions upkeep made: "missed" catches that calendar up, "subscriptionRemoved" is repaired at once', async () => {
		const m = mailbox('nurse');
		const sub = w.graph.subscriptionsFor(m)[0];
		w.graph.notify = false;
		const lost = w.graph.createEvent(m, calendlyEvent(m, 'Alternative Medicine Follow-up', newPatient('missed')));
		w.graph.notify = true;
		await w.graph.lifecycle(sub, 'missed');
		await waitFor('the missed booking', () => appointmentFor(w, lost.id), 60_000);
		await w.graph.lifecycle(w.graph.subscriptionsFor(m)[0], 'subscriptionRemoved');
		await waitFor('the subscription recreated without an upkeep run', () => w.graph.subscriptionsFor(m).length === 1, 60_000, 100);
		const again = await book(w, m, 'Alternative Medicine Follow-up', newPatient('after'));
		expect(again.appt.providerId).toBe(provider('nurse'));
	});

	(MODE === 'queue' ? test : test.skip)('Prometheus metrics as compose sets them: main, the webhook process and the worker answer /metrics; main reports the queue', async () => {
		const scrape = async (base: string) => {
			const r = await fetch(`${base}/metrics`);
			return { status: r.status, text: await r.text() };
		};
		// n8n refreshes the queue gauges every 20 s (N8N_METRICS_QUEUE_METRICS_INTERVAL).
		const main = await waitFor('the queue metrics on main', async () => {
			const m = await scrape(w.n8n.url);
			return m.status === 200 && /^n8n_scaling_mode_queue_jobs_completed \d+/m.test(m.text) ? m : undefined;
		}, 60_000, 2000);
		expect(main.text).toMatch(/^n8n_scaling_mode_queue_jobs_waiting \d+/m);
		for (const base of [...w.n8n.webhookUrls, ...w.n8n.workerUrls]) {
			const s = await scrape(base);
			expect({ base, status: s.status, n8n: /^n8n_\w+/m.test(s.text) }).toEqual({ base, status: 200, n8n: true });
		}
		mkdirSync(REPORTS, { recursive: true });
		writeFileSync(path.join(REPORTS, 'metrics-main.txt'), main.text);
	});

	// Last: everything this file booked has gone through n8n by now.
	(MODE === 'queue' ? test : test.skip)('n8n logs one JSON object per line (as compose sets it) and no patient of this run appears in any log of main, the webhook process or the worker', () => {
		const text = w.n8n.logs.join('');
		const lines = text.split('\n').map((l) => l.replace(/^\[[\w-]+\] /, '').trim()).filter((l) => l.startsWith('{'));
		const parsed = lines.flatMap((l) => {
			try {
				return [JSON.parse(l) as Record<string, unknown>];
			} catch {
				return [];
			}
		});
		expect(parsed.length).toBeGreaterThan(5);
		expect(parsed.filter((p) => typeof p.level === 'string' && typeof p.message === 'string').length).toBeGreaterThan(5);
		expect(bookersSoFar.length).toBeGreaterThan(20);
		for (const b of bookersSoFar) for (const detail of [b.email, b.last]) expect({ detail, logged: text.includes(detail) }).toEqual({ detail, logged: false });
	});
});
