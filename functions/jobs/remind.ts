/** Lambda: the remind job. Every day, 08:00: one message per person with what they still have to do before a deadline. See shared/jobs. */
import { jobHandler } from '../../shared/jobs/lambda.ts';

export const handler = jobHandler('remind');
