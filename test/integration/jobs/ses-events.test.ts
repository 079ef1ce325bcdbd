/**
 * SES's events, as EventBridge delivers them from the configuration set's event destination, through the Lambda
 * handler into DynamoDB Local: a Send event proves a message was accepted; a permanent bounce and a complaint
 * suppress the address; a transient bounce, a delivery, or an event without our reference change nothing; a
 * malformed event is thrown (EventBridge retries it, then dead-letters it).
 */
import type { Context } from 'aws-lambda';
import { beforeAll, describe, expect, it } from 'vitest';
import { sesEventsHandler } from '../../../shared/jobs/ses-events.ts';
import type { Store } from '../../../shared/store/store.ts';
import { freshTable } from '../../support/table.ts';

const context = {
  functionName: 'ses-events',
  awsRequestId: 'test',
  getRemainingTimeInMillis: () => 30_000,
} as unknown as Context;
let store: Store;
let handler: ReturnType<typeof sesEventsHandler>;

const REFERENCE = '2026-04-02_stc-ns-03';
const mail = (tags: Record<string, string[]> = { ref: [REFERENCE] }) => ({
  timestamp: '2026-04-02T01:00:03.120Z',
  source: 'nhac-viec@danhgia.hanoi.gov.vn',
  sourceArn: 'arn:aws:ses:ap-southeast-1:123456789012:identity/danhgia.hanoi.gov.vn',
  sendingAccountId: '123456789012',
  messageId: '0100019b2f5e8a41-5c1d2e3f-aaaa-bbbb-cccc-0123456789ab-000000',
  destination: ['ngoc@stc.hanoi.gov.vn'],
  headersTruncated: false,
  tags: {
    'ses:configuration-set': ['danh-gia-prod-reminders'],
    'ses:source-ip': ['10.0.0.1'],
    'ses:from-domain': ['danhgia.hanoi.gov.vn'],
    'ses:caller-identity': ['danh-gia-prod-job-remind-delivery'],
    ...tags,
  },
});
const envelope = (detailType: string, detail: Record<string, unknown>) => ({
  version: '0',
  id: 'd2c4e0b6-1111-2222-3333-444455556666',
  'detail-type': detailType,
  source: 'aws.ses',
  account: '123456789012',
  time: '2026-04-02T01:00:05Z',
  region: 'ap-southeast-1',
  resources: ['arn:aws:ses:ap-southeast-1:123456789012:configuration-set/danh-gia-prod-reminders'],
  detail,
});

beforeAll(async () => {
  ({ store } = await freshTable('ses-events'));
  handler = sesEventsHandler({ store: () => store });
  await store.outbox.enqueue({
    day: '2026-04-02',
    recipientId: 'stc-ns-03',
    reminder: 'worklist',
    to: 'ngoc@stc.hanoi.gov.vn',
    subject: 'Nhắc việc',
    text: 'Kính gửi đồng chí',
    tasks: [],
    status: 'PENDING',
    channel: null,
    createdAt: '2026-04-02T01:00:00.000Z',
    sentAt: null,
  });
});

describe('SES events into the table', () => {
  it('Send: the message was accepted (its reference names the outbox item)', async () => {
    const out = await handler(envelope('Email Sent', { eventType: 'Send', mail: mail(), send: {} }), context);
    expect(out).toEqual({ outcome: 'accepted' });
    const item = await store.outbox.get({
      day: '2026-04-02',
      recipientId: 'stc-ns-03',
      reminder: 'worklist',
    });
    expect(item).toMatchObject({
      acceptedAt: '2026-04-02T01:00:03.120Z',
      providerMessageId: mail().messageId,
    });
  });

  it('a transient bounce, a delivery, an event of another sender: nothing changes', async () => {
    const transient = envelope('Email Bounced', {
      eventType: 'Bounce',
      mail: mail(),
      bounce: {
        bounceType: 'Transient',
        bounceSubType: 'MailboxFull',
        bouncedRecipients: [{ emailAddress: 'ngoc@stc.hanoi.gov.vn', status: '4.2.2' }],
        timestamp: '2026-04-02T01:01:00.000Z',
        feedbackId: '0100019b2f5e9c11-aaaa',
      },
    });
    expect(await handler(transient, context)).toEqual({ outcome: 'ignored' });
    const delivery = envelope('Email Delivered', {
      eventType: 'Delivery',
      mail: mail(),
      delivery: { timestamp: '2026-04-02T01:00:04.000Z', recipients: ['ngoc@stc.hanoi.gov.vn'] },
    });
    expect(await handler(delivery, context)).toEqual({ outcome: 'ignored' });
    const foreign = envelope('Email Bounced', {
      eventType: 'Bounce',
      mail: mail({}),
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: 'General',
        bouncedRecipients: [{ emailAddress: 'someone@example.vn' }],
        timestamp: '2026-04-02T01:01:00.000Z',
      },
    });
    expect(
      await handler({ ...foreign, detail: { ...foreign.detail, mail: { ...mail(), tags: {} } } }, context),
    ).toEqual({
      outcome: 'ignored',
    });
    expect(await store.mail.getPreference('stc-ns-03')).toBeNull();
  });

  it('a permanent bounce suppresses the address; a complaint too; HR lists them', async () => {
    const bounce = envelope('Email Bounced', {
      eventType: 'Bounce',
      mail: mail(),
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: 'General',
        bouncedRecipients: [
          {
            emailAddress: 'Ngoc@STC.hanoi.gov.vn',
            action: 'failed',
            status: '5.1.1',
            diagnosticCode: 'smtp; 550 5.1.1 user unknown',
          },
        ],
        timestamp: '2026-04-02T01:01:00.000Z',
        feedbackId: '0100019b2f5e9c11-bbbb',
        reportingMTA: 'dsn; a48-30.smtp-out.amazonses.com',
      },
    });
    expect(await handler(bounce, context)).toEqual({ outcome: 'suppressed' });
    expect(await store.mail.getPreference('stc-ns-03')).toMatchObject({
      emailOff: false,
      suppression: { reason: 'bounce', address: 'ngoc@stc.hanoi.gov.vn', detail: 'Permanent/General' },
    });
    const complaint = envelope('Email Complaint Received', {
      eventType: 'Complaint',
      mail: mail({ ref: ['2026-04-02_stc-ns-01'] }),
      complaint: {
        complainedRecipients: [{ emailAddress: 'lan@stc.hanoi.gov.vn' }],
        complaintFeedbackType: 'abuse',
        userAgent: 'Yahoo!-Mail-Feedback/2.0',
        arrivalDate: '2026-04-02T01:05:00.000Z',
        timestamp: '2026-04-02T01:05:10.000Z',
        feedbackId: '0100019b2f5eaa00-cccc',
      },
    });
    expect(await handler(complaint, context)).toEqual({ outcome: 'suppressed' });
    const listed = await store.mail.listSuppressed();
    expect(listed.map((p) => [p.employeeId, p.suppression?.reason]).sort()).toEqual([
      ['stc-ns-01', 'complaint'],
      ['stc-ns-03', 'bounce'],
    ]);
  });

  it('refuses a malformed event (EventBridge retries, then its dead-letter queue keeps it)', async () => {
    await expect(handler({ source: 'aws.ses', 'detail-type': 'x', detail: {} }, context)).rejects.toThrow();
  });
});
