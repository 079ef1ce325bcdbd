/** Lambda: the reopen-period job. On demand only (the periods function starts it when an admin reopens a period): bring back what the close expired, re-rank. See shared/jobs. */
import { jobHandler } from '../../shared/jobs/lambda.ts';

export const handler = jobHandler('reopen-period');
