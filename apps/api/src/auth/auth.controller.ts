/** Account routes (thin: validate, call AuthService, return). */
import { Body, Controller, Get, HttpCode, Inject, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { Route } from '../common/route_doc.js';
import { parseInput } from '../common/validation.js';
import { clientIp, CurrentAuth, type AuthContext } from './auth_context.js';
import { changePasswordSchema, credentialsSchema, sessionResponseSchema, signupSchema, userSchema } from './auth_schemas.js';
import { AuthService, type SessionView, type UserView } from './auth.service.js';

const origin = (req: FastifyRequest) => ({ ip: clientIp(req), userAgent: String(req.headers['user-agent'] ?? '') });

/** /api/auth/* and /api/me. */
@Controller('api')
export class AuthController {
  constructor(@Inject(AuthService) private readonly auth: AuthService) {}

  /** Sign up. */
  @Post('auth/signup')
  @HttpCode(201)
  @Route({ summary: 'Create an account and log in', tag: 'auth', public: true, status: 201, body: signupSchema, response: sessionResponseSchema })
  signup(@Body() body: unknown, @Req() req: FastifyRequest): Promise<SessionView> {
    const input = parseInput(signupSchema, body);
    return this.auth.signup(input.email, input.password, origin(req));
  }

  /** Log in. */
  @Post('auth/login')
  @HttpCode(200)
  @Route({ summary: 'Log in with email and password (throttled per IP and per account)', tag: 'auth', public: true, body: credentialsSchema, response: sessionResponseSchema })
  login(@Body() body: unknown, @Req() req: FastifyRequest): Promise<SessionView> {
    const input = parseInput(credentialsSchema, body);
    return this.auth.login(input.email, input.password, origin(req));
  }

  /** Log out of this session. */
  @Post('auth/logout')
  @HttpCode(204)
  @Route({ summary: 'Revoke the current session', tag: 'auth', status: 204 })
  async logout(@CurrentAuth() auth: AuthContext): Promise<void> {
    await this.auth.logout(auth);
  }

  /** Log out everywhere. */
  @Post('auth/logout-all')
  @HttpCode(200)
  @Route({ summary: 'Revoke every session of the account', tag: 'auth', response: z.object({ revoked: z.number() }) })
  async logoutAll(@CurrentAuth() auth: AuthContext): Promise<{ revoked: number }> {
    return { revoked: await this.auth.logoutEverywhere(auth) };
  }

  /** The caller. */
  @Get('me')
  @Route({ summary: 'The logged-in account', tag: 'auth', response: userSchema })
  me(@CurrentAuth() auth: AuthContext): Promise<UserView> {
    return this.auth.me(auth);
  }

  /** Change password. */
  @Post('me/password')
  @HttpCode(204)
  @Route({ summary: 'Change the password (ends other sessions, re-syncs instance superusers)', tag: 'auth', status: 204, body: changePasswordSchema })
  async changePassword(@CurrentAuth() auth: AuthContext, @Body() body: unknown): Promise<void> {
    const input = parseInput(changePasswordSchema, body);
    await this.auth.changePassword(auth, input.currentPassword, input.newPassword);
  }
}
