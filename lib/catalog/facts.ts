/**
 * The clinic's fixed vocabulary, each list defined once: booking kinds, form types (and the Route Form
 * output each has), and the patient details a form question can hold. The catalog's schema, the Service
 * Router's outputs and the Form Processor workflow's branches all read these lists.
 */
export const BOOKING_KINDS = ['freeConsultation', 'initial', 'followUp'] as const;
export type BookingKind = (typeof BOOKING_KINDS)[number];

/** Every form type, in the order of Route Form's outputs (and the Form Processor's "Form Type" branches). */
export const FORM_TYPES = ['mini_intake', 'medical_history', 'gaps_assessment', 'weight_loss', 'mental_health', 'equine_therapy', 'waitlist'] as const;
export type FormType = (typeof FORM_TYPES)[number];

/** Each form type as people read it: Route Form's output on the canvas, and its name in appointment notes. */
export const FORM_TYPE_NAMES: Record<FormType, { label: string; inNotes: string }> = {
	mini_intake: { label: 'Mini Intake', inNotes: 'Mini intake' },
	medical_history: { label: 'Medical History', inNotes: 'Medical history' },
	gaps_assessment: { label: 'GAPS Assessment', inNotes: 'GAPS assessment' },
	weight_loss: { label: 'Weight Loss', inNotes: 'Weight loss' },
	mental_health: { label: 'Mental Health', inNotes: 'Mental health' },
	equine_therapy: { label: 'Equine Therapy', inNotes: 'Equine therapy' },
	waitlist: { label: 'Waitlist', inNotes: 'Waitlist' },
};

export const PATIENT_TARGETS = ['fullName', 'firstName', 'lastName', 'email', 'phone', 'dob', 'gender', 'service', 'address', 'notes'] as const;
