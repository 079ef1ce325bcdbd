/** Lambda: SES's Send, Bounce and Complaint events (EventBridge) recorded in the table. See shared/jobs/ses-events.ts. */
import { sesEventsHandler } from '../../shared/jobs/ses-events.ts';

export const handler = sesEventsHandler();
