/** Bodies and responses of the account routes (validation and OpenAPI from one definition). */
import { z } from 'zod';

/** Emails are compared lowercased. */
export const emailSchema = z.string().trim().toLowerCase().max(254).pipe(z.email({ message: 'Must be a valid email address.' }));

/** bcrypt reads at most 72 bytes: longer passwords would be silently truncated, so refuse them. */
export const passwordSchema = z
  .string()
  .min(8, 'Must be at least 8 characters.')
  .refine((p) => Buffer.byteLength(p, 'utf8') <= 72, { message: 'Must be at most 72 bytes.', params: { code: 'validation_max_length' } });

/** POST /api/auth/signup and /api/auth/login. */
export const credentialsSchema = z.strictObject({ email: emailSchema, password: z.string().min(1, 'Cannot be blank.') });

/** Sign up also checks the password's strength. */
export const signupSchema = z.strictObject({ email: emailSchema, password: passwordSchema });

/** POST /api/me/password. */
export const changePasswordSchema = z.strictObject({ currentPassword: z.string().min(1, 'Cannot be blank.'), newPassword: passwordSchema });

/** A user as the api shows it. */
export const userSchema = z.object({ id: z.string(), email: z.string(), createdAt: z.string() });

/** Sign-up and log-in answer. */
export const sessionResponseSchema = z.object({ user: userSchema, token: z.string() });
