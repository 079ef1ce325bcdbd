/** Lambda: the close-period job. Every day, 00:30: close the periods whose close time has come (expire, rank, publish). See shared/jobs. */
import { jobHandler } from '../../shared/jobs/lambda.ts';

export const handler = jobHandler('close-period');
