/**
 * The mailer of the jobs that send no e-mail: using it is a programming error, said loudly. The reminders are
 * delivered by shared/app/jobs/delivery.ts through the SES mailer (shared/jobs/ses-mailer.ts), in AWS and locally.
 */
import type { Mailer } from './types.ts';

export const noMailer: Mailer = {
  channel: 'local',
  send: async () => {
    throw new Error('this job does not send e-mail');
  },
};
