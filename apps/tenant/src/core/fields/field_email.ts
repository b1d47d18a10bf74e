/** The "email" field. */
import type { EmailField } from '../collection_model.js';
import { toGoString } from './cast.js';
import { domainAllowed, validateDomainLists } from './domains.js';
import { errRequired, fieldError } from './errors.js';
import { BASE_SPEC, defaultFieldId, readOptions, validateBase } from './options.js';
import type { FieldHandler } from './types.js';
import { isEmailFormat } from './validators.js';
import { textValueMethods } from './text_values.js';

function emailDefaults(name: string, id?: string): EmailField {
  return {
    exceptDomains: null, help: '', hidden: false, id: id ?? defaultFieldId('email', name), name,
    onlyDomains: null, presentable: false, required: false, system: false, type: 'email',
  };
}

const SPEC = { ...BASE_SPEC, exceptDomains: 'strings?', onlyDomains: 'strings?' } as const;

/**
 * Handler of "email" fields; values are strings, not trimmed or lower-cased. Uniqueness
 * (auth collections) is a unique index, checked by the record layer.
 */
export const emailField: FieldHandler<EmailField, string> = {
  type: 'email',
  settable: true,
  ...textValueMethods(toGoString),
  defaults: emailDefaults,
  normalizeOptions: (raw) => readOptions(raw, emailDefaults('', ''), SPEC),
  validateOptions: (field) => validateDomainLists(field, validateBase(field, {})),
  validateValue(field, value) {
    if (value === '') return field.required ? errRequired() : null;
    if (!isEmailFormat(value)) return fieldError('validation_is_email', 'must be a valid email address');
    const domain = value.slice(value.lastIndexOf('@') + 1);
    if (!domainAllowed(field, domain)) return fieldError('validation_email_domain_not_allowed', 'Email domain is not allowed');
    return null;
  },
};
