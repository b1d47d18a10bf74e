/** The "url" field. */
import type { UrlField } from '../collection_model.js';
import { toGoString } from './cast.js';
import { domainAllowed, validateDomainLists } from './domains.js';
import { errRequired, fieldError } from './errors.js';
import { BASE_SPEC, defaultFieldId, readOptions, validateBase } from './options.js';
import type { FieldHandler } from './types.js';
import { isUrl, urlHost } from './validators.js';
import { textValueMethods } from './text_values.js';

function urlDefaults(name: string, id?: string): UrlField {
  return {
    exceptDomains: null, help: '', hidden: false, id: id ?? defaultFieldId('url', name), name,
    onlyDomains: null, presentable: false, required: false, system: false, type: 'url',
  };
}

const SPEC = { ...BASE_SPEC, exceptDomains: 'strings?', onlyDomains: 'strings?' } as const;

/** Handler of "url" fields; domain lists compare against the URL host including any port. */
export const urlField: FieldHandler<UrlField, string> = {
  type: 'url',
  settable: true,
  ...textValueMethods(toGoString),
  defaults: urlDefaults,
  normalizeOptions: (raw) => readOptions(raw, urlDefaults('', ''), SPEC),
  validateOptions: (field) => validateDomainLists(field, validateBase(field, {})),
  validateValue(field, value) {
    if (value === '') return field.required ? errRequired() : null;
    if (!isUrl(value)) return fieldError('validation_invalid_url', 'Must be a valid url');
    if (!domainAllowed(field, urlHost(value))) return fieldError('validation_url_domain_not_allowed', 'Url domain is not allowed');
    return null;
  },
};
