/**
 * The clinic as the local sandboxes know it: the practice, its practitioners
 * (MediRecords providers, Office 365 mailboxes) and appointment types, from the
 * clinic's target architecture. Ids are fixed so the shipped service catalog
 * and the sandboxes agree.
 */

export const PRACTICE_ID = '6f1c2a52-5b7e-4c1a-9d3e-0c0000000001';
export const SANDBOX_TOKEN = 'sandbox-medirecords-token';
export const TENANT_ID = '0d6a1f5e-8c1b-4b9a-a5b0-7e0000000001';
export const GRAPH_CLIENT_ID = '3c1f0e2d-6a4b-4f7e-9a10-2b0000000001';
export const GRAPH_CLIENT_SECRET = 'sandbox-graph-secret';

export interface SeedPractitioner {
	key: string;
	name: string;
	providerId: string;
	mailbox: string;
}

export const PRACTITIONERS: SeedPractitioner[] = [
	{ key: 'consultant', name: 'Clinic Consultant', providerId: 'a1000000-0000-4000-8000-000000000001', mailbox: 'consultant@clinic.example' },
	{ key: 'dr-dia', name: 'Dr Dia', providerId: 'a1000000-0000-4000-8000-000000000002', mailbox: 'dr.dia@clinic.example' },
	{ key: 'dr-shivani', name: 'Dr Shivani', providerId: 'a1000000-0000-4000-8000-000000000003', mailbox: 'dr.shivani@clinic.example' },
	{ key: 'nurse', name: 'Nurse Practitioner', providerId: 'a1000000-0000-4000-8000-000000000004', mailbox: 'nurse@clinic.example' },
	{ key: 'ramona', name: 'Ramona', providerId: 'a1000000-0000-4000-8000-000000000005', mailbox: 'ramona@clinic.example' },
	{ key: 'counselor-1', name: 'Counselor 1', providerId: 'a1000000-0000-4000-8000-000000000006', mailbox: 'counselor1@clinic.example' },
	{ key: 'counselor-2', name: 'Counselor 2', providerId: 'a1000000-0000-4000-8000-000000000007', mailbox: 'counselor2@clinic.example' },
	{ key: 'equine', name: 'Equine Therapist', providerId: 'a1000000-0000-4000-8000-000000000008', mailbox: 'equine@clinic.example' },
];

export interface SeedAppointmentType {
	id: string;
	name: string;
	duration: string;
	colour: string;
	telehealth: boolean;
}

export const APPOINTMENT_TYPES: SeedAppointmentType[] = [
	{ id: 'b2000000-0000-4000-8000-000000000001', name: 'Free Initial Consultation', duration: '30 mins', colour: '#4caf50', telehealth: true },
	{ id: 'b2000000-0000-4000-8000-000000000011', name: 'Alternative Medicine Initial', duration: '1 hr', colour: '#2196f3', telehealth: false },
	{ id: 'b2000000-0000-4000-8000-000000000012', name: 'Alternative Medicine Follow-up', duration: '30 mins', colour: '#64b5f6', telehealth: false },
	{ id: 'b2000000-0000-4000-8000-000000000021', name: 'GAPS Coaching Initial', duration: '1 hr 30 mins', colour: '#ff9800', telehealth: true },
	{ id: 'b2000000-0000-4000-8000-000000000022', name: 'GAPS Coaching Follow-up', duration: '45 mins', colour: '#ffb74d', telehealth: true },
	{ id: 'b2000000-0000-4000-8000-000000000031', name: 'Weight Loss Initial', duration: '1 hr', colour: '#9c27b0', telehealth: false },
	{ id: 'b2000000-0000-4000-8000-000000000032', name: 'Weight Loss Follow-up', duration: '30 mins', colour: '#ba68c8', telehealth: false },
	{ id: 'b2000000-0000-4000-8000-000000000041', name: 'Counseling Initial', duration: '1 hr', colour: '#009688', telehealth: true },
	{ id: 'b2000000-0000-4000-8000-000000000042', name: 'Counseling Session', duration: '50 mins', colour: '#4db6ac', telehealth: true },
	{ id: 'b2000000-0000-4000-8000-000000000051', name: 'Equine Therapy Initial', duration: '2 hrs', colour: '#795548', telehealth: false },
	{ id: 'b2000000-0000-4000-8000-000000000052', name: 'Equine Therapy Session', duration: '1 hr 30 mins', colour: '#a1887f', telehealth: false },
];
