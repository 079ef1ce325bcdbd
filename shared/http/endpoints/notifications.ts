/** In-app notifications, the caller's e-mail switch, and the suppressed addresses for HR. */
import * as z from 'zod';
import { emailPreferenceBody, emptyBody, notificationIdSchema } from '../../app/inputs.ts';
import {
  listSuppressedAddresses,
  markAllNotificationsRead,
  markNotificationRead,
  readNotifications,
  setEmailPreference,
} from '../../app/notifications.ts';
import { endpoint } from '../endpoint.ts';

export const notificationEndpoints = [
  endpoint({
    method: 'GET',
    path: '/v1/notifications',
    function: 'notifications',
    access: 'read',
    summary: "The caller's tasks with deadlines and what happened to their evaluations",
    authorization: { who: 'anyone' },
    handler: async (req) => ({ body: await readNotifications(req.caller) }),
  }),
  endpoint({
    method: 'POST',
    path: '/v1/notifications/{notificationId}/read',
    function: 'notifications',
    access: 'write',
    summary: 'Mark one of the caller’s notifications read',
    params: z.strictObject({ notificationId: notificationIdSchema }),
    body: emptyBody,
    authorization: { who: 'anyone' },
    handler: async (req) => ({ body: await markNotificationRead(req.caller, req.params.notificationId) }),
  }),
  endpoint({
    method: 'POST',
    path: '/v1/notifications/read-all',
    function: 'notifications',
    access: 'write',
    summary: 'Mark all the caller’s notifications read',
    body: emptyBody,
    authorization: { who: 'anyone' },
    handler: async (req) => ({ body: await markAllNotificationsRead(req.caller) }),
  }),
  endpoint({
    method: 'PUT',
    path: '/v1/me/email',
    function: 'notifications',
    access: 'write',
    summary: 'Turn reminder e-mails on or off for the caller',
    body: emailPreferenceBody,
    authorization: { who: 'anyone' },
    example: { body: { enabled: false } },
    handler: async (req) => ({ body: await setEmailPreference(req.caller, req.body.enabled) }),
  }),
  endpoint({
    method: 'GET',
    path: '/v1/mail/suppressions',
    function: 'notifications',
    access: 'read',
    summary: 'Addresses SES reported as bouncing or complaining (HR in scope, admins)',
    authorization: { who: 'hr-or-admin' },
    handler: async (req) => ({ body: await listSuppressedAddresses(req.caller) }),
  }),
];
