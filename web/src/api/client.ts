/**
 * The one way the web app calls the API: JSON in and out, the session cookie sent by the browser,
 * the CSRF token on every write, and errors as the API words them in Chinese, with the clause.
 */
export interface ApiErrorBody {
  error: {
    code: string;
    clause?: string;
    message: string;
    message_zh: string;
    issues?: { path: string; message: string }[];
    violations?: Violation[];
  };
}

/** One violated clause of a refusal; `path` names the field concerned where the API knows it. */
export interface Violation {
  clause: string;
  message: string;
  message_zh: string;
  path?: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly body: ApiErrorBody['error'] | undefined,
  ) {
    super(body?.message_zh ?? `请求失败（${status}）`);
  }

  /** The Chinese message with its clause, as a person reads it. */
  get text(): string {
    if (!this.body) return `请求失败（${this.status}），请稍后重试。`;
    const clause = this.body.clause ? `〔${this.body.clause}〕` : '';
    const fields = this.body.issues?.length ? `（${this.body.issues.map((i) => i.path).join('、')}）` : '';
    return `${clause}${this.body.message_zh}${fields}`;
  }
}

let csrfToken: string | undefined;
export const setCsrfToken = (token: string | undefined) => {
  csrfToken = token;
};

/** Which of its roles a unit account acts as (issuer or solver), sent as `x-jiebang-role`. */
let actingRole: string | undefined;
export const setActingRole = (role: string | undefined) => {
  actingRole = role;
};

export async function api<T>(
  method: string,
  path: string,
  body?: unknown,
  extraHeaders: Record<string, string> = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json', ...extraHeaders };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  if (actingRole) headers['x-jiebang-role'] = actingRole;
  const res = await fetch(`/api/v1${path}`, {
    method,
    headers,
    credentials: 'same-origin',
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (res.status === 204) return undefined as T;
  const text = await res.text();
  const json = text ? JSON.parse(text) : undefined;
  if (!res.ok) throw new ApiError(res.status, (json as ApiErrorBody | undefined)?.error);
  return json as T;
}

/** Uploads one file as multipart/form-data (the browser sets the boundary). */
export async function upload<T>(path: string, file: File): Promise<T> {
  const form = new FormData();
  form.append('file', file, file.name);
  const headers: Record<string, string> = { accept: 'application/json' };
  if (csrfToken) headers['x-csrf-token'] = csrfToken;
  if (actingRole) headers['x-jiebang-role'] = actingRole;
  const res = await fetch(`/api/v1${path}`, { method: 'POST', body: form, headers, credentials: 'same-origin' });
  const json = await res.json().catch(() => undefined);
  if (!res.ok) throw new ApiError(res.status, (json as ApiErrorBody | undefined)?.error);
  return json as T;
}

export const errorText = (e: unknown): string => (e instanceof ApiError ? e.text : '网络异常，请稍后重试。');
