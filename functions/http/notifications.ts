/** Lambda: the notifications endpoints (shared/http/endpoints/notifications.ts). */
import { notificationEndpoints } from '../../shared/http/endpoints/notifications.ts';
import { lambdaHandler } from '../../shared/http/handler.ts';

export const handler = lambdaHandler(notificationEndpoints);
