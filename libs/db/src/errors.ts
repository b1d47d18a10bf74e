/** Prisma's known request errors mapped in one place (STYLE.md: P2002/P2025). */

/** The unique fields a write collided on (P2002), or undefined when it is another error. */
export function uniqueViolation(err: unknown): string[] | undefined {
  if (!isPrismaError(err) || err.code !== 'P2002') return undefined;
  const cause = err.meta?.driverAdapterError?.cause;
  const target = err.meta?.target ?? cause?.constraint?.fields;
  if (Array.isArray(target)) return target.map(String);
  if (typeof target === 'string') return [target];
  // Postgres names the index instead; the migrations name them `<Model>_<field>_<field>_key`.
  const index = cause?.constraint?.index;
  if (typeof index === 'string' && typeof cause?.table === 'string' && index.startsWith(`${cause.table}_`) && index.endsWith('_key')) {
    return index.slice(cause.table.length + 1, -'_key'.length).split('_');
  }
  return [];
}

/** True when the row a write or delete needed does not exist (P2025). */
export function isRecordNotFound(err: unknown): boolean {
  return isPrismaError(err) && err.code === 'P2025';
}

interface PrismaKnownError {
  code: string;
  meta?: { target?: unknown; driverAdapterError?: { cause?: { table?: unknown; constraint?: { fields?: unknown; index?: unknown } } } };
}

function isPrismaError(err: unknown): err is PrismaKnownError {
  return typeof err === 'object' && err !== null && typeof (err as { code?: unknown }).code === 'string' && /^P\d{4}$/.test((err as { code: string }).code);
}
