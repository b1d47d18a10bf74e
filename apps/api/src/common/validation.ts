/** Body validation with zod: every problem becomes a field code, never a 500. */
import { z } from 'zod';
import { ApiError, type FieldProblem } from './api_error.js';

/** Parses `input` with `schema`; throws ApiError 400 whose data maps each field to its first problem. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const data: Record<string, FieldProblem> = {};
  for (const issue of result.error.issues) {
    const field = issue.path.length ? issue.path.map(String).join('.') : '_';
    if (!data[field]) data[field] = { code: codeOf(issue), message: issue.message };
  }
  throw ApiError.badRequest('Failed to validate the request data.', data);
}

function codeOf(issue: z.core.$ZodIssue): string {
  if (issue.code === 'custom' && typeof issue.params?.code === 'string') return issue.params.code;
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'validation_required';
  if (issue.code === 'too_small') return 'validation_min_length';
  if (issue.code === 'too_big') return 'validation_max_length';
  if (issue.code === 'unrecognized_keys') return 'validation_unknown_field';
  if (issue.code === 'invalid_format') return `validation_invalid_${issue.format}`;
  return `validation_${issue.code}`;
}

/** A custom zod issue with a stable code (used by refinements such as instance names). */
export function fieldIssue(code: string, message: string): { message: string; params: { code: string } } {
  return { message, params: { code } };
}
