/** Go (RE2) regexp support: parsing with Go's errors, linear-time matching, random generation. */
export { RegexpSyntaxError, type ReNode } from './ast.js';
export { parseGoRegexp } from './parse.js';
export { GoRegexp } from './match.js';
export { randomStringByRegex, RegexGenerateError } from './generate.js';
