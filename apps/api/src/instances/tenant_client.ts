/**
 * Signed calls from the api to a tenant, sent through the edge proxy (so a sleeping instance
 * is woken like for any visitor, and the api needs no knowledge of where tenants run).
 */
import { request } from 'node:http';
import { Inject, Injectable } from '@nestjs/common';
import type { PlatformConfig } from '@burrow/config';
import { PLATFORM_SIGNATURE_HEADER, signPlatformRequest } from '@burrow/contracts';
import type { Instance, SecretBox } from '@burrow/db';
import { ApiError } from '../common/api_error.js';
import { CONFIG, SECRET_BOX } from '../common/tokens.js';

/** How long the api waits for a tenant (a wake included). */
const TIMEOUT_MS = 30_000;

/** Talks to tenants on behalf of their owners. */
@Injectable()
export class TenantClient {
  constructor(@Inject(CONFIG) private readonly config: PlatformConfig, @Inject(SECRET_BOX) private readonly box: SecretBox) {}

  /** A superuser auth token of `email` on the instance (the owner, kept there by admin sync). */
  async superuserToken(instance: Instance, email: string): Promise<string> {
    const body = JSON.stringify({ email });
    const signature = signPlatformRequest(this.box.open(instance.platformKey), body, Math.floor(Date.now() / 1000));
    const res = await this.post(instance.name, '/api/_burrow/superuser-token', body, { [PLATFORM_SIGNATURE_HEADER]: signature });
    const token = res.status === 200 ? (JSON.parse(res.body) as { token?: unknown }).token : undefined;
    if (typeof token !== 'string') {
      throw ApiError.unavailable(res.status === 404 ? 'The instance has no superuser for your account yet; try again in a moment.' : `The instance did not issue a token (status ${res.status}).`);
    }
    return token;
  }

  private post(name: string, path: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request({
        host: '127.0.0.1', port: this.config.proxyPort, method: 'POST', path, timeout: TIMEOUT_MS,
        headers: { ...headers, host: `${name}.${this.config.baseDomain}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => reject(ApiError.unavailable('The instance could not be reached.')));
      req.end(body);
    });
  }
}
