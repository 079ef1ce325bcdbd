/** Lambda: the compute-rankings job. Every day, 01:00: refresh the rankings of open periods (fanned out per unit). See shared/jobs. */
import { jobHandler } from '../../shared/jobs/lambda.ts';

export const handler = jobHandler('compute-rankings');
