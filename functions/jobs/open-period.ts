/** Lambda: the open-period job. Day 1, 00:05: open the month and create every draft (fanned out per unit). See shared/jobs. */
import { jobHandler } from '../../shared/jobs/lambda.ts';

export const handler = jobHandler('open-period');
