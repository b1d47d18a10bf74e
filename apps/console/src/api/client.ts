/**
 * The console's only way to the control API: typed from the generated OpenAPI types
 * (schema.gen.ts), errors turned into ApiFailure with the field problems the api sends.
 */
import type { components, paths } from './schema.gen';

type Json<P extends keyof paths, M extends keyof paths[P], S extends number> = paths[P][M] extends {
  responses: { [K in S]: { content: { 'application/json': infer T } } };
}
  ? T
  : never;
type Body<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { requestBody: { content: { 'application/json': infer T } } } ? T : never;

/** An instance as its owner sees it. */
export type Instance = Json<'/api/instances/{id}', 'get', 200>;
/** Instance status (provisioning, running, sleeping, stopped, failed, deleting). */
export type InstanceStatus = Instance['status'];
/** The last job about an instance. */
export type JobView = NonNullable<Instance['job']>;
/** The logged-in account. */
export type User = Json<'/api/me', 'get', 200>;
/** Answer of signup and login. */
export type Session = Json<'/api/auth/login', 'post', 200>;
/** Answer of the name check. */
export type NameAvailability = Json<'/api/instances/name-availability', 'get', 200>;
/** One secret with its value. */
export type Secret = Json<'/api/instances/{id}/secrets', 'get', 200>['secrets'][number];
/** One platform backup. */
export type Backup = Json<'/api/instances/{id}/backups', 'get', 200>[number];
/** The backup schedule. */
export type BackupSchedule = Json<'/api/instances/{id}/backup-schedule', 'get', 200>;
/** Continuous backup of an instance and the span a point-in-time restore can pick from. */
export type ContinuousBackup = Json<'/api/instances/{id}/continuous-backup', 'get', 200>;
/** The replicas tab: the instance's LiteFS nodes and the account's replica quota. */
export type Replicas = Json<'/api/instances/{id}/replicas', 'get', 200>;
/** One LiteFS node (the primary or a read replica). */
export type ReplicaNode = Replicas['nodes'][number];
/** PATCH /api/instances/:id body. */
export type InstancePatch = Body<'/api/instances/{id}', 'patch'>;
/** One field's problem. */
export type FieldProblem = components['schemas']['Error']['data'][string];

/** A request that failed: `status` 0 means the API could not be reached at all. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly fields: Record<string, FieldProblem> = {},
  ) {
    super(message);
    this.name = 'ApiFailure';
  }

  /** The API did not answer (down, network gone). */
  get offline(): boolean {
    return this.status === 0;
  }

  /** The message for `field`, if the API named that field. */
  field(name: string): string | undefined {
    return this.fields[name]?.message;
  }
}

/** Shown whenever the API cannot be reached. */
export const OFFLINE_MESSAGE = 'Cannot reach the Burrow API. Check your connection; the console retries on its own.';

/** What the client tells the app about (offline banner, expired session). */
export interface ClientEvents {
  /** Every request's outcome: reached the API or not. */
  reachable(ok: boolean): void;
  /** A request with a session was answered 401: the session is gone. */
  unauthorized(): void;
}

/** Typed calls of the control API, with the session token of `token()`. */
export class ApiClient {
  constructor(
    private readonly token: () => string | undefined,
    private readonly events: ClientEvents,
  ) {}

  /** Sends one request; resolves with the JSON body (undefined for 204) or throws ApiFailure. */
  async request<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    const token = this.token();
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
    } catch (err) {
      if (signal?.aborted) throw err;
      this.events.reachable(false);
      throw new ApiFailure(0, OFFLINE_MESSAGE);
    }
    // A proxy in front of a stopped api answers 502/503/504 without our JSON: that is offline too.
    const json = await res.json().catch(() => undefined);
    const isApiAnswer = res.ok || (typeof json === 'object' && json !== null && 'status' in json);
    this.events.reachable(isApiAnswer);
    if (res.ok) return json as T;
    if (!isApiAnswer) throw new ApiFailure(0, OFFLINE_MESSAGE);
    const error = json as components['schemas']['Error'];
    if (res.status === 401 && token) this.events.unauthorized();
    throw new ApiFailure(res.status, error.message || `Request failed (${res.status}).`, error.data ?? {});
  }

  signup(email: string, password: string): Promise<Session> {
    return this.request('POST', '/api/auth/signup', { email, password } satisfies Body<'/api/auth/signup', 'post'>);
  }

  login(email: string, password: string): Promise<Session> {
    return this.request('POST', '/api/auth/login', { email, password } satisfies Body<'/api/auth/login', 'post'>);
  }

  logout(): Promise<void> {
    return this.request('POST', '/api/auth/logout');
  }

  logoutEverywhere(): Promise<{ revoked: number }> {
    return this.request('POST', '/api/auth/logout-all');
  }

  me(signal?: AbortSignal): Promise<User> {
    return this.request('GET', '/api/me', undefined, signal);
  }

  changePassword(currentPassword: string, newPassword: string): Promise<void> {
    return this.request('POST', '/api/me/password', { currentPassword, newPassword } satisfies Body<'/api/me/password', 'post'>);
  }

  instances(signal?: AbortSignal): Promise<Instance[]> {
    return this.request('GET', '/api/instances', undefined, signal);
  }

  instance(id: string, signal?: AbortSignal): Promise<Instance> {
    return this.request('GET', `/api/instances/${encodeURIComponent(id)}`, undefined, signal);
  }

  createInstance(name: string): Promise<Instance> {
    return this.request('POST', '/api/instances', { name } satisfies Body<'/api/instances', 'post'>);
  }

  updateInstance(id: string, patch: InstancePatch): Promise<Instance> {
    return this.request('PATCH', `/api/instances/${encodeURIComponent(id)}`, patch);
  }

  /** Deletes the instance; its backups stay unless `deleteBackups`. */
  deleteInstance(id: string, deleteBackups = false): Promise<Instance> {
    return this.request('DELETE', `/api/instances/${encodeURIComponent(id)}${deleteBackups ? '?backups=delete' : ''}`);
  }

  async secrets(id: string, signal?: AbortSignal): Promise<Secret[]> {
    const r = await this.request<{ secrets: Secret[] }>('GET', `/api/instances/${encodeURIComponent(id)}/secrets`, undefined, signal);
    return r.secrets;
  }

  superuserToken(id: string): Promise<Json<'/api/instances/{id}/superuser-token', 'post', 200>> {
    return this.request('POST', `/api/instances/${encodeURIComponent(id)}/superuser-token`);
  }

  nameAvailability(name: string, signal?: AbortSignal): Promise<NameAvailability> {
    return this.request('GET', `/api/instances/name-availability?name=${encodeURIComponent(name)}`, undefined, signal);
  }

  backups(id: string, signal?: AbortSignal): Promise<Backup[]> {
    return this.request('GET', `/api/instances/${encodeURIComponent(id)}/backups`, undefined, signal);
  }

  backupNow(id: string): Promise<Json<'/api/instances/{id}/backups', 'post', 202>> {
    return this.request('POST', `/api/instances/${encodeURIComponent(id)}/backups`, {});
  }

  restoreBackup(id: string, name: string): Promise<Json<'/api/instances/{id}/backups/{name}/restore', 'post', 202>> {
    return this.request('POST', `/api/instances/${encodeURIComponent(id)}/backups/${encodeURIComponent(name)}/restore`);
  }

  restoreBackupAsNew(id: string, name: string, newName: string): Promise<Instance> {
    return this.request('POST', `/api/instances/${encodeURIComponent(id)}/backups/${encodeURIComponent(name)}/restore-as-new`, { name: newName } satisfies Body<'/api/instances/{id}/backups/{name}/restore-as-new', 'post'>);
  }

  deleteBackup(id: string, name: string): Promise<void> {
    return this.request('DELETE', `/api/instances/${encodeURIComponent(id)}/backups/${encodeURIComponent(name)}`);
  }

  continuousBackup(id: string, signal?: AbortSignal): Promise<ContinuousBackup> {
    return this.request('GET', `/api/instances/${encodeURIComponent(id)}/continuous-backup`, undefined, signal);
  }

  setContinuousBackup(id: string, enabled: boolean): Promise<ContinuousBackup> {
    return this.request('PUT', `/api/instances/${encodeURIComponent(id)}/continuous-backup`, { enabled } satisfies Body<'/api/instances/{id}/continuous-backup', 'put'>);
  }

  restorePointInTime(id: string, time: string): Promise<Json<'/api/instances/{id}/continuous-backup/restore', 'post', 202>> {
    return this.request('POST', `/api/instances/${encodeURIComponent(id)}/continuous-backup/restore`, { time } satisfies Body<'/api/instances/{id}/continuous-backup/restore', 'post'>);
  }

  restorePointInTimeAsNew(id: string, time: string, name: string): Promise<Instance> {
    return this.request('POST', `/api/instances/${encodeURIComponent(id)}/continuous-backup/restore-as-new`, { time, name } satisfies Body<'/api/instances/{id}/continuous-backup/restore-as-new', 'post'>);
  }

  replicas(id: string, signal?: AbortSignal): Promise<Replicas> {
    return this.request('GET', `/api/instances/${encodeURIComponent(id)}/replicas`, undefined, signal);
  }

  addReplica(id: string): Promise<Json<'/api/instances/{id}/replicas', 'post', 202>> {
    return this.request('POST', `/api/instances/${encodeURIComponent(id)}/replicas`);
  }

  removeReplica(id: string, nodeId: string): Promise<Json<'/api/instances/{id}/replicas/{rid}', 'delete', 202>> {
    return this.request('DELETE', `/api/instances/${encodeURIComponent(id)}/replicas/${encodeURIComponent(nodeId)}`);
  }

  backupSchedule(id: string, signal?: AbortSignal): Promise<BackupSchedule> {
    return this.request('GET', `/api/instances/${encodeURIComponent(id)}/backup-schedule`, undefined, signal);
  }

  setBackupSchedule(id: string, cron: string | null, keep: number): Promise<BackupSchedule> {
    return this.request('PUT', `/api/instances/${encodeURIComponent(id)}/backup-schedule`, { cron, keep } satisfies Body<'/api/instances/{id}/backup-schedule', 'put'>);
  }

  /** Downloads an archive with the session's token (a plain link cannot send it). */
  async downloadBackup(id: string, name: string): Promise<Blob> {
    const res = await fetch(`/api/instances/${encodeURIComponent(id)}/backups/${encodeURIComponent(name)}`, { headers: { authorization: `Bearer ${this.token() ?? ''}` } });
    if (!res.ok) throw new ApiFailure(res.status, `Download failed (${res.status}).`);
    return res.blob();
  }

  /** The session token, for the log stream (which is read with fetch, not this wrapper). */
  currentToken(): string | undefined {
    return this.token();
  }
}
