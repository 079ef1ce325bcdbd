/**
 * SES locally: the SES v2 API of `aws-ses-v2-local` (npm), in this process, bound to 127.0.0.1 (its mailbox is one
 * per process, shared by every instance started in it: tests tell their mail apart by sender); the reminders reach
 * it through the very SESv2Client code path they take in AWS (SES_ENDPOINT). Its own viewer is at its root (`/`)
 * and its store at `/store`. Around it, what SES does and the emulator does not:
 * - a send rate: over `ratePerSecond` sends in any second, SES's 429 `TooManyRequestsException` ("Maximum sending
 *   rate exceeded."); injected failures (`failureRate` of the sends get a 500 `InternalFailure`); and, on demand,
 *   SES's refusal of a message for good (400 `MessageRejected`), for the tests and the benchmark;
 * - SES's events: a bridge reads what the emulator accepted and hands the configuration set's events to the same
 *   handler the Lambda runs (shared/jobs/ses-events.ts): `Send` for every message, and, as SES's mailbox simulator
 *   does, a permanent `Bounce` for mail to bounce@simulator.amazonses.com and a `Complaint` for
 *   complaint@simulator.amazonses.com.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleSesEvent, type SesEvent } from '../../shared/jobs/ses-events.ts';
import { REFERENCE_HEADER, REFERENCE_TAG } from '../../shared/jobs/ses-mailer.ts';
import type { Store } from '../../shared/store/store.ts';

export interface EmulatedEmail {
  messageId: string;
  from: string;
  destination: { to: string[]; cc: string[]; bcc: string[] };
  subject: string;
  body: { html?: string; text?: string };
  headers?: { name: string; value: string }[];
  /** Epoch seconds. */
  at: number;
}

export interface SesControls {
  /** Sends accepted per second; null: no limit. */
  ratePerSecond: number | null;
  /** Share of sends answered 500 InternalFailure (0–1). */
  failureRate: number;
  /** Every send refused as SES refuses a message for good (400 MessageRejected), e.g. in the sandbox. */
  rejectAll: boolean;
}

export interface RunningSes {
  /** The SES v2 endpoint (SES_ENDPOINT). */
  endpoint: string;
  /** The emulator's own viewer of the mail it received. */
  viewer: string;
  controls: SesControls;
  /** What the emulator accepted, optionally since an epoch second. */
  emails(since?: number): Promise<EmulatedEmail[]>;
  /** Counts of the answers given: accepted, throttled (429), failed (500). */
  stats: { accepted: number; throttled: number; failed: number; rejected: number };
  stop(): Promise<void>;
}

const SEND_PATH = '/v2/email/outbound-emails';

export const SIMULATOR = {
  bounce: 'bounce@simulator.amazonses.com',
  complaint: 'complaint@simulator.amazonses.com',
} as const;

type StartServer = (config: { host: string; port: number }) => Promise<Server>;

async function loadEmulator(): Promise<StartServer> {
  // A CommonJS module: its default export arrives as `default` of the module object.
  const mod = (await import('aws-ses-v2-local')) as unknown as {
    default: StartServer | { default: StartServer };
  };
  const start = typeof mod.default === 'function' ? mod.default : mod.default.default;
  return start;
}

function answer(res: ServerResponse, status: number, type: string, message: string) {
  res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-errortype': type });
  res.end(JSON.stringify({ message }));
}

export async function startSesLocal(
  options: { port?: number; ratePerSecond?: number | null; failureRate?: number } = {},
): Promise<RunningSes> {
  const start = await loadEmulator();
  const server = await start({ host: '127.0.0.1', port: options.port ?? 0 });
  const controls: SesControls = {
    ratePerSecond: options.ratePerSecond ?? null,
    failureRate: options.failureRate ?? 0,
    rejectAll: false,
  };
  const stats = { accepted: 0, throttled: 0, failed: 0, rejected: 0 };
  // The emulator's own handler (express), behind ours.
  const [emulator] = server.listeners('request') as ((req: IncomingMessage, res: ServerResponse) => void)[];
  if (!emulator) throw new Error('aws-ses-v2-local: no request handler');
  server.removeAllListeners('request');
  const recent: number[] = [];
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (req.method === 'POST' && req.url?.split('?')[0] === SEND_PATH) {
      const now = Date.now();
      while (recent.length > 0 && (recent[0] ?? 0) <= now - 1000) recent.shift();
      if (controls.ratePerSecond !== null && recent.length >= controls.ratePerSecond) {
        stats.throttled++;
        req.resume();
        return answer(res, 429, 'TooManyRequestsException', 'Maximum sending rate exceeded.');
      }
      if (controls.rejectAll) {
        stats.rejected++;
        req.resume();
        return answer(res, 400, 'MessageRejected', 'Email address is not verified.');
      }
      if (controls.failureRate > 0 && Math.random() < controls.failureRate) {
        stats.failed++;
        req.resume();
        return answer(res, 500, 'InternalFailure', 'Injected failure.');
      }
      recent.push(now);
      stats.accepted++;
    }
    emulator(req, res);
  });
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    viewer: `${endpoint}/`,
    controls,
    stats,
    async emails(since) {
      const response = await fetch(`${endpoint}/store${since === undefined ? '' : `?since=${since}`}`);
      if (!response.ok) throw new Error(`aws-ses-v2-local /store: ${response.status}`);
      return ((await response.json()) as { emails: EmulatedEmail[] }).emails;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The events SES would publish through the configuration set for one accepted e-mail. */
export function simulatedEvents(email: EmulatedEmail): SesEvent[] {
  const reference = email.headers?.find(
    (h) => h.name.toLowerCase() === REFERENCE_HEADER.toLowerCase(),
  )?.value;
  const timestamp = new Date(email.at * 1000).toISOString();
  const mail = {
    messageId: email.messageId,
    timestamp,
    destination: email.destination.to,
    ...(reference ? { tags: { [REFERENCE_TAG]: [reference] } } : {}),
  };
  const events: SesEvent[] = [{ eventType: 'Send', mail }];
  const to = email.destination.to.map((a) => a.toLowerCase());
  if (to.includes(SIMULATOR.bounce)) {
    events.push({
      eventType: 'Bounce',
      mail,
      bounce: {
        bounceType: 'Permanent',
        bounceSubType: 'General',
        bouncedRecipients: [{ emailAddress: SIMULATOR.bounce }],
        timestamp,
      },
    });
  }
  if (to.includes(SIMULATOR.complaint)) {
    events.push({
      eventType: 'Complaint',
      mail,
      complaint: {
        complainedRecipients: [{ emailAddress: SIMULATOR.complaint }],
        complaintFeedbackType: 'abuse',
        timestamp,
      },
    });
  }
  return events;
}

export interface SesEventBridge {
  /** Hands the events of every e-mail accepted since the last call to the handler; returns how many. */
  pump(): Promise<number>;
  stop(): void;
}

/**
 * The local stand-in for the configuration set's event destination: every `intervalMs` (0: only when pumped) the
 * e-mails the emulator accepted since the last look become SES events for the same handler as in AWS.
 */
export function bridgeSesEvents(ses: RunningSes, store: Store, intervalMs = 500): SesEventBridge {
  const seen = new Set<string>();
  let since = 0;
  let running: Promise<number> | null = null;
  const pumpOnce = async (): Promise<number> => {
    const emails = await ses.emails(since);
    let handled = 0;
    for (const email of emails) {
      if (seen.has(email.messageId)) continue;
      seen.add(email.messageId);
      for (const event of simulatedEvents(email)) await handleSesEvent(store, event);
      handled++;
    }
    // The store answers by whole seconds: look again from the last second seen (the set keeps out repeats).
    const last = emails.at(-1);
    if (last) since = last.at;
    return handled;
  };
  const pump = () => {
    running ??= pumpOnce().finally(() => {
      running = null;
    });
    return running;
  };
  const timer =
    intervalMs > 0
      ? setInterval(() => {
          pump().catch(() => undefined);
        }, intervalMs)
      : null;
  timer?.unref();
  return {
    pump,
    stop: () => {
      if (timer) clearInterval(timer);
    },
  };
}
