/**
 * Calendar blocks in real n8n: appointments reception books, moves and cancels in MediRecords appear in the
 * practitioner's Outlook as one busy, private block each (the shipped Calendar Blocks workflow, run every few
 * seconds here instead of every 2 minutes), so Calendly cannot sell the slot. Blocks never become bookings,
 * Calendly's own bookings are mirrored nowhere, hand edits in Outlook are put back, a missing permission or a
 * refused mailbox writes nothing and is named once, and a crash mid-run leaves no block twice.
 */
import { DateTime } from 'luxon';
import { BLOCK_BODY, BLOCK_PROPERTY_ID } from '../../lib/blocks/blocks';
import type { GraphEvent } from '../../sandbox/graph';
import { PRACTITIONERS } from '../../sandbox/seed';
import { packPackage, N8N_VERSION } from '../../local/n8n';
import { startWorld, stopWorld, waitFor, type World } from './context';
import { book, newPatient } from './scenarios';

const MODE = (process.env.E2E_MODE as 'regular' | 'queue') ?? 'regular';
/** How often Calendar Blocks runs in this world (a clinic's runs every 2 minutes). */
const BLOCKS = 5;
let w: World;
beforeAll(async () => {
	w = await startWorld(`e2e-blocks-${MODE}`, MODE, packPackage(), { blocksSeconds: BLOCKS, ...(MODE === 'queue' ? { webhookProcesses: 1 } : {}) });
	await waitFor('subscriptions for 8 mailboxes', () => w.graph.subscriptions.size === 8, 120_000, 500);
}, 600_000);
afterAll(async () => stopWorld(w));

const who = (key: string) => PRACTITIONERS.find((p) => p.key === key)!;
/** A practice-local time (Sydney) `days` from now at `hh:mm`: the tests hold on any date. */
const local = (days: number, hhmm: string) => `${DateTime.now().setZone('Australia/Sydney').plus({ days }).toFormat('yyyy-MM-dd')}T${hhmm}`;
const utc = (practiceLocal: string) => DateTime.fromISO(practiceLocal, { zone: 'Australia/Sydney' }).toUTC().toFormat("yyyy-MM-dd'T'HH:mm:ss");
const blocksIn = (key: string): GraphEvent[] => w.graph.eventsWithProperty(who(key).mailbox, BLOCK_PROPERTY_ID);
const blockOf = (appointmentId: string): GraphEvent[] =>
	PRACTITIONERS.flatMap((p) => w.graph.eventsWithProperty(p.mailbox, BLOCK_PROPERTY_ID)).filter((e) => (e.singleValueExtendedProperties as Array<{ value: string }>).some((x) => x.value === appointmentId));
/** Within one interval of the change, plus the run's own time (and n8n's scheduler tick). */
const ONE_INTERVAL_MS = (BLOCKS + 10) * 1000;
/** Anything ops would be told, of any kind. */
const alertsSince = (n: number) => w.alerts.alerts.slice(n);

describe(`calendar blocks in real n8n ${N8N_VERSION} (${MODE} mode)`, () => {
	test('reception books, moves (an edit stamped in the past) and cancels in MediRecords: one busy, private block with no patient data appears, moves and goes within one interval; it never becomes a booking; nobody is told', async () => {
		const alerts = w.alerts.alerts.length;
		const appointments = w.mr.state.appointments.size;
		const patients = w.mr.state.patients.size;
		const when = local(6, '10:00');
		const a = w.mr.receptionBook({ providerId: who('dr-dia').providerId, scheduleTime: when, minutes: 45 });
		const [block] = await waitFor('a block for the phone booking', () => (blockOf(a.id).length ? blockOf(a.id) : undefined), ONE_INTERVAL_MS);
		expect(blockOf(a.id)).toHaveLength(1);
		expect(blocksIn('dr-dia').map((e) => e.id)).toContain(block.id);
		expect(block).toMatchObject({ subject: 'Busy', showAs: 'busy', sensitivity: 'private', attendees: [], body: { contentType: 'text', content: BLOCK_BODY } });
		expect(block.start.dateTime.slice(0, 19)).toBe(utc(when));
		expect(Date.parse(`${block.end.dateTime.slice(0, 19)}Z`) - Date.parse(`${block.start.dateTime.slice(0, 19)}Z`)).toBe(45 * 60_000);
		// Nothing of the patient's reaches Outlook.
		const patient = w.mr.state.patients.get(a.patientId)!;
		for (const detail of [patient.firstName, patient.lastName, patient.id]) expect(JSON.stringify(block)).not.toContain(String(detail));

		// Moved at the front desk; the edit carries yesterday's stamp (another workstation's clock).
		const moved = local(7, '14:30');
		w.mr.receptionMove(a.id, { scheduleTime: moved, updatedDateTime: DateTime.now().minus({ days: 1 }).toISO()! });
		await waitFor('the block at the new time', () => blockOf(a.id)[0]?.start.dateTime.startsWith(utc(moved)), ONE_INTERVAL_MS);
		expect(blockOf(a.id).map((e) => e.id)).toEqual([block.id]);

		w.mr.receptionCancel(a.id);
		await waitFor('the block gone', () => blockOf(a.id).length === 0, ONE_INTERVAL_MS);

		// The block's notifications went through the Booking Processor as "not a booking": no patient, no appointment, no alert.
		await w.graph.settle();
		await new Promise((r) => setTimeout(r, 3000));
		expect(w.mr.state.appointments.size).toBe(appointments + 1);
		expect(w.mr.state.patients.size).toBe(patients + 1);
		expect(alertsSince(alerts)).toEqual([]);
	});

	test('a Calendly booking is mirrored nowhere: its appointment carries the reference marker and Outlook already holds the event', async () => {
		const { ev, appt } = await book(w, who('nurse').mailbox, 'Weight Loss Follow-up', newPatient('blocks'));
		// Two runs after the booking landed.
		await new Promise((r) => setTimeout(r, 2 * BLOCKS * 1000 + 4000));
		expect(blockOf(appt.id)).toEqual([]);
		expect([...w.graph.mailboxes.get(who('nurse').mailbox)!.values()].filter((e) => e.start.dateTime === ev.start.dateTime)).toHaveLength(1);
	});

	test('a block deleted in Outlook by hand comes back; one renamed, made free or public is put back; MediRecords stays the truth', async () => {
		const a = w.mr.receptionBook({ providerId: who('ramona').providerId, scheduleTime: local(9, '09:15'), minutes: 30 });
		const [first] = await waitFor('a block', () => (blockOf(a.id).length ? blockOf(a.id) : undefined), ONE_INTERVAL_MS);
		w.graph.deleteEvent(who('ramona').mailbox, first.id);
		const [again] = await waitFor('the block back', () => (blockOf(a.id).length ? blockOf(a.id) : undefined), ONE_INTERVAL_MS);
		expect(again.id).not.toBe(first.id);
		w.graph.updateEvent(who('ramona').mailbox, again.id, { subject: 'Lunch', showAs: 'free', sensitivity: 'normal' });
		await waitFor('the block put back', () => blockOf(a.id)[0]?.subject === 'Busy', ONE_INTERVAL_MS);
		expect(blockOf(a.id)).toHaveLength(1);
		expect(blockOf(a.id)[0]).toMatchObject({ id: again.id, showAs: 'busy', sensitivity: 'private' });
		w.mr.receptionDelete(a.id);
		await waitFor('the block of a deleted appointment gone', () => blockOf(a.id).length === 0, ONE_INTERVAL_MS);
	});

	test('one mailbox outside the app’s access policy: the others are blocked as usual; that practitioner alone is named, once, after three runs; writes resume when the policy does', async () => {
		const alerts = w.alerts.alerts.length;
		w.graph.writeRefused.add(who('dr-shivani').mailbox);
		const refused = w.mr.receptionBook({ providerId: who('dr-shivani').providerId, scheduleTime: local(10, '11:00') });
		const fine = w.mr.receptionBook({ providerId: who('consultant').providerId, scheduleTime: local(10, '11:00') });
		await waitFor('the consultant’s block', () => blockOf(fine.id).length === 1, ONE_INTERVAL_MS);
		const alert = await waitFor('one alert naming dr-shivani', () => alertsSince(alerts).find((x) => x.kind === 'calendar_blocks'), 4 * ONE_INTERVAL_MS);
		expect(alert).toMatchObject({ practitioners: [{ practitioner: 'dr-shivani', mailbox: who('dr-shivani').mailbox, problem: 'write_refused' }] });
		expect(blockOf(refused.id)).toEqual([]);
		// Told once, not every run.
		await new Promise((r) => setTimeout(r, 3 * BLOCKS * 1000));
		expect(alertsSince(alerts).filter((x) => x.kind === 'calendar_blocks')).toHaveLength(1);
		w.graph.writeRefused.clear();
		await waitFor('dr-shivani’s block once the policy allows it', () => blockOf(refused.id).length === 1, ONE_INTERVAL_MS);
	});

	test('without Calendars.ReadWrite (consent withdrawn, a new token) nothing is written and ops hear what to grant; with it back, the blocks appear', async () => {
		const alerts = w.alerts.alerts.length;
		w.graph.appRoles = ['Calendars.Read'];
		w.graph.expireTokens();
		const a = w.mr.receptionBook({ providerId: who('nurse').providerId, scheduleTime: local(11, '15:00') });
		const alert = await waitFor('the permission alert', () => alertsSince(alerts).find((x) => x.kind === 'calendar_blocks'), 5 * ONE_INTERVAL_MS);
		expect(alert).toMatchObject({ practitioners: [{ practitioner: 'nurse', problem: 'write_refused' }] });
		expect(JSON.stringify(alert)).toMatch(/Calendars\.ReadWrite/);
		expect(blockOf(a.id)).toEqual([]);
		w.graph.appRoles = ['Calendars.ReadWrite'];
		w.graph.expireTokens();
		await waitFor('the block once the permission is granted', () => blockOf(a.id).length === 1, 2 * ONE_INTERVAL_MS);
	});

	test('200 phone bookings for 8 practitioners, n8n killed (SIGKILL) mid-run and started again: 200 blocks, none twice', async () => {
		const booked = PRACTITIONERS.flatMap((p, i) =>
			Array.from({ length: 25 }, (_, k) => w.mr.receptionBook({ providerId: p.providerId, scheduleTime: local(14 + (k % 20), `${String(7 + Math.floor(k / 20) * 2 + (i % 2)).padStart(2, '0')}:${String((k * 5) % 60).padStart(2, '0')}`), minutes: 15 })),
		);
		// Each calendar write held a while, so the kill lands mid-run.
		w.graph.mailboxReadMs = 150;
		const count = () => booked.filter((a) => blockOf(a.id).length > 0).length;
		await waitFor('a run under way', () => count() >= 20, 3 * ONE_INTERVAL_MS, 50);
		const atKill = count();
		w.n8n.crash();
		w.graph.mailboxReadMs = 0;
		await w.n8n.start();
		await waitFor('200 blocks', () => count() === 200, 240_000, 500);
		console.log(`calendar blocks: ${atKill} of 200 written when n8n was killed`);
		expect(booked.map((a) => blockOf(a.id).length)).toEqual(Array(200).fill(1));
		// And it stays so: later runs change nothing.
		await new Promise((r) => setTimeout(r, 2 * BLOCKS * 1000));
		expect(booked.map((a) => blockOf(a.id).length)).toEqual(Array(200).fill(1));
	});
});
