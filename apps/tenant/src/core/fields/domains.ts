/** The onlyDomains/exceptDomains options shared by email and url fields. */
import type { EmailField, UrlField } from '../collection_model.js';
import { errEmpty, fieldError, type IndexedErrors, type OptionErrors } from './errors.js';
import { isDomain } from './validators.js';

function checkList(list: string[] | null, other: string[] | null): ReturnType<typeof errEmpty> | IndexedErrors | undefined {
  // Only one of the two lists may be set.
  if (other && other.length > 0) return list && list.length > 0 ? errEmpty() : undefined;
  const errors: IndexedErrors = {};
  (list ?? []).forEach((d, i) => {
    // Empty entries are skipped by ozzo's string rules.
    if (d !== '' && !isDomain(d)) errors[String(i)] = fieldError('validation_is_domain', 'must be a valid domain');
  });
  return Object.keys(errors).length > 0 ? errors : undefined;
}

/** Validates exceptDomains/onlyDomains into `errors`. */
export function validateDomainLists(field: EmailField | UrlField, errors: OptionErrors): OptionErrors {
  const except = checkList(field.exceptDomains, field.onlyDomains);
  if (except) errors.exceptDomains = except;
  const only = checkList(field.onlyDomains, field.exceptDomains);
  if (only) errors.onlyDomains = only;
  return errors;
}

/** True when `domain` passes the field's lists (exact, case-sensitive comparison as in PocketBase). */
export function domainAllowed(field: EmailField | UrlField, domain: string): boolean {
  if (field.onlyDomains && field.onlyDomains.length > 0 && !field.onlyDomains.includes(domain)) return false;
  if (field.exceptDomains && field.exceptDomains.length > 0 && field.exceptDomains.includes(domain)) return false;
  return true;
}
