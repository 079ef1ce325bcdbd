/**
 * The API client: JSON in and out, the bearer token, `If-Match` with the evaluation's version, an
 * `Idempotency-Key` on every POST, and errors turned into `ApiError` carrying the contract's code and its
 * Vietnamese message (`error.message`), which the pages show as they are.
 */
import type { ApiErrorBody } from './types.ts';

/** What to say when the API gave no message of its own (no body, a proxy's error page, the network). */
const FALLBACK_MESSAGES: Record<string, string> = {
  NETWORK: 'Không kết nối được máy chủ. Kiểm tra mạng rồi thử lại.',
  UNAUTHENTICATED: 'Phiên đăng nhập đã hết hạn; vui lòng đăng nhập lại.',
  FORBIDDEN: 'Bạn không có quyền thực hiện thao tác này.',
  NOT_FOUND: 'Không tìm thấy dữ liệu.',
  PRECONDITION_FAILED: 'Phiếu vừa được người khác cập nhật; hãy tải lại rồi thao tác tiếp.',
  INTERNAL_ERROR: 'Lỗi hệ thống; vui lòng thử lại sau.',
};

const CODE_BY_STATUS: Record<number, string> = {
  400: 'VALIDATION_FAILED',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  409: 'CONFLICT',
  412: 'PRECONDITION_FAILED',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: { path?: string; message: string }[] = [],
  ) {
    super(message);
  }
}

export interface ApiClientOptions {
  /** '' for the same origin. */
  baseUrl: string;
  /** The bearer token, refreshed if need be; null when signed out. */
  token: () => Promise<string | null>;
  /** Called on a 401 so the app can send the user back to sign-in. */
  onUnauthenticated?: () => void;
  fetcher?: typeof fetch;
}

export interface WriteOptions {
  /** The evaluation version the user saw: the API answers 412 when someone changed it since. */
  ifMatch?: number;
}

function isErrorBody(v: unknown): v is ApiErrorBody {
  if (typeof v !== 'object' || v === null || !('error' in v)) return false;
  const error = (v as { error: unknown }).error;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

export async function errorFrom(response: Response): Promise<ApiError> {
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    // not JSON
  }
  if (isErrorBody(body)) {
    return new ApiError(response.status, body.error.code, body.error.message, body.error.details ?? []);
  }
  const code = CODE_BY_STATUS[response.status] ?? 'INTERNAL_ERROR';
  return new ApiError(response.status, code, FALLBACK_MESSAGES[code] ?? `Lỗi ${response.status}.`);
}

/** A body sent as it is, with its own media type (CSV for the org import). */
class RawBody {
  constructor(
    readonly text: string,
    readonly type: string,
  ) {}
}

const newKey = () =>
  typeof crypto.randomUUID === 'function'
    ? crypto.randomUUID()
    : `${Date.now()}-${Math.random().toString(36).slice(2)}`;

export class Api {
  constructor(private readonly options: ApiClientOptions) {}

  private async send(
    method: string,
    path: string,
    body: unknown,
    headers: Record<string, string>,
  ): Promise<Response> {
    const token = await this.options.token();
    const all: Record<string, string> = { ...headers };
    if (token) all.authorization = `Bearer ${token}`;
    if (body !== undefined) all['content-type'] = body instanceof RawBody ? body.type : 'application/json';
    if (method === 'POST') all['idempotency-key'] = newKey();
    let response: Response;
    try {
      response = await (this.options.fetcher ?? fetch)(`${this.options.baseUrl}${path}`, {
        method,
        headers: all,
        ...(body === undefined ? {} : { body: body instanceof RawBody ? body.text : JSON.stringify(body) }),
      });
    } catch {
      throw new ApiError(0, 'NETWORK', FALLBACK_MESSAGES.NETWORK ?? '');
    }
    if (response.status === 401) this.options.onUnauthenticated?.();
    if (!response.ok) throw await errorFrom(response);
    return response;
  }

  private async json<T>(
    method: string,
    path: string,
    body?: unknown,
    options: WriteOptions = {},
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (options.ifMatch !== undefined) headers['if-match'] = `"${options.ifMatch}"`;
    const response = await this.send(method, path, body, headers);
    return (await response.json()) as T;
  }

  get<T>(path: string): Promise<T> {
    return this.json<T>('GET', path);
  }

  put<T>(path: string, body: unknown, options?: WriteOptions): Promise<T> {
    return this.json<T>('PUT', path, body, options);
  }

  post<T>(path: string, body: unknown = {}, options?: WriteOptions): Promise<T> {
    return this.json<T>('POST', path, body, options);
  }

  delete<T>(path: string): Promise<T> {
    return this.json<T>('DELETE', path);
  }

  /** A POST whose body is text of another media type (e.g. `text/csv`); the answer is JSON. */
  async postText<T>(path: string, text: string, contentType: string): Promise<T> {
    const response = await this.send('POST', path, new RawBody(text, contentType), {
      accept: 'application/json',
    });
    return (await response.json()) as T;
  }

  /** A file (CSV, XLSX) with its name from `Content-Disposition`. */
  async file(path: string, accept: string, fallbackName: string): Promise<{ blob: Blob; filename: string }> {
    const response = await this.send('GET', path, undefined, { accept });
    const disposition = response.headers.get('content-disposition') ?? '';
    const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
    const plain = /filename="?([^";]+)"?/i.exec(disposition);
    const filename = star?.[1] ? decodeURIComponent(star[1]) : (plain?.[1] ?? fallbackName);
    return { blob: await response.blob(), filename };
  }
}
