declare const __CLINIC_WIDGET__: string | undefined;

/** The website widget (widget/clinic-booking.ts, minified), inlined by the build (gulpfile.js). */
export const WIDGET_SCRIPT: string = typeof __CLINIC_WIDGET__ === 'string' ? __CLINIC_WIDGET__ : '';
